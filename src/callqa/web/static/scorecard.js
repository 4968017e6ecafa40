// Scorecard editor: validate as you type (debounced), preview on an interaction, save a new version,
// re-score the stored interactions with it (a background job whose progress is polled).
(function () {
  "use strict";
  var editor = document.getElementById("editor");
  if (!editor) return;
  var out = document.getElementById("validation");
  var post = window.callqa.post, get = window.callqa.get, esc = window.callqa.esc;
  function failed(box) { return function (err) { box.textContent = String(err); box.className = "error"; }; }
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
          return "<tr data-criterion='" + esc(c.id) + "'><td>" + esc(c.title) + "</td><td><span class='outcome " + esc(c.outcome.replace("/", "")) + "'>" + esc(c.outcome) + "</span></td><td class='muted'>" + esc(c.explanation) + "</td></tr>";
        }).join("");
        box.innerHTML = "<p data-test='preview-score'>" + (r.data.score === null ? "–" : Math.round(r.data.score)) + "</p><table class='review'>" + rows + "</table>";
      }).catch(failed(box));
  });
  var save = document.getElementById("save");
  var rescore = document.getElementById("rescore");
  var progress = document.getElementById("rescore-progress");
  if (save) save.addEventListener("click", function () {
    var saved = document.getElementById("saved");
    post("/api/scorecards", { yaml: editor.value }).then(function (r) {
      saved.textContent = r.ok ? editor.dataset.savedAs.replace("{version}", r.data.version) : String(r.data.detail);
      if (r.ok && rescore) { rescore.hidden = false; rescore.dataset.name = r.data.name; }
    }).catch(failed(saved));
  });
  function poll(id) {
    get("/api/jobs/" + id).then(function (r) {
      if (!r.ok) { progress.textContent = String(r.data.detail); return; }
      var j = r.data;
      progress.value = j.done; if (j.total !== null) progress.max = Math.max(j.total, 1);
      var label = document.getElementById("rescore-label");
      if (!j.finished) { label.textContent = j.done + " / " + (j.total === null ? "…" : j.total); setTimeout(function () { poll(id); }, 500); return; }
      if (j.error) { label.textContent = j.error; label.className = "error"; return; }
      label.textContent = rescore.dataset.done.replace("{scored}", j.result.scored).replace("{failed}", j.result.failed);
      label.dataset.test = "rescore-done";
      rescore.disabled = false;
    }).catch(failed(progress));
  }
  if (rescore) rescore.addEventListener("click", function () {
    rescore.disabled = true;
    post("/api/scorecards/" + encodeURIComponent(rescore.dataset.name) + "/rescore", {}).then(function (r) {
      if (!r.ok) { document.getElementById("rescore-label").textContent = String(r.data.detail); rescore.disabled = false; return; }
      progress.hidden = false;
      poll(r.data.id);
    }).catch(failed(document.getElementById("rescore-label")));
  });
})();
