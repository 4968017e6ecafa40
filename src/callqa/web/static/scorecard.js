// Scorecard editor: validate as you type (debounced), preview on an interaction, save a new version.
(function () {
  "use strict";
  var editor = document.getElementById("editor");
  if (!editor) return;
  var csrf = document.querySelector("meta[name=csrf-token]").content;
  var out = document.getElementById("validation");
  function post(url, body) {
    return fetch(url, { method: "POST", headers: { "content-type": "application/json", "x-csrf-token": csrf },
      body: JSON.stringify(body), credentials: "same-origin" }).then(function (r) {
        return r.json().then(function (data) { return { ok: r.ok, data: data }; });
      });
  }
  var timer = null;
  function validate() {
    post("/api/scorecards/validate", { yaml: editor.value }).then(function (r) {
      if (r.data.valid) { out.textContent = "✓ " + r.data.name + ": " + r.data.criteria.length + " criteria"; out.className = "ok"; }
      else { out.textContent = r.data.errors.join("\n"); out.className = "error"; }
    });
  }
  editor.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(validate, 400); });
  validate();
  var preview = document.getElementById("preview");
  if (preview) preview.addEventListener("click", function () {
    var box = document.getElementById("preview-result");
    box.textContent = "…";
    post("/api/scorecards/preview", { yaml: editor.value, interaction_id: Number(document.getElementById("preview-id").value) })
      .then(function (r) {
        if (!r.ok) { box.textContent = String(r.data.detail); box.className = "error"; return; }
        box.className = "";
        var rows = r.data.criteria.map(function (c) {
          return "<tr><td>" + c.title.replace(/</g, "&lt;") + "</td><td><span class='outcome " + c.outcome.replace("/", "") + "'>" + c.outcome + "</span></td></tr>";
        }).join("");
        box.innerHTML = "<p data-test='preview-score'>" + (r.data.score === null ? "–" : Math.round(r.data.score)) + "</p><table class='review'>" + rows + "</table>";
      });
  });
  var save = document.getElementById("save");
  if (save) save.addEventListener("click", function () {
    post("/api/scorecards", { yaml: editor.value }).then(function (r) {
      document.getElementById("saved").textContent = r.ok ? "saved as v" + r.data.version : String(r.data.detail);
    });
  });
})();
