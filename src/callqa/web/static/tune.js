// Tuning page: start the proposals job, show each criterion's agreement now / cross-validated / fitted with
// its changes, approve the ticked ones as a new version, then re-score (the editor's job).
(function () {
  "use strict";
  var box = document.getElementById("tune");
  if (!box) return;
  var name = box.dataset.name;
  var report = null;
  var post = window.callqa.post, get = window.callqa.get, esc = window.callqa.esc;
  function pct(share) { return share === null ? "–" : Math.round(share * 100) + "%"; }
  function poll(id, bar, label, done) {
    get("/api/jobs/" + id).then(function (r) {
      if (!r.ok) { label.textContent = String(r.data.detail); return; }
      var j = r.data;
      bar.hidden = false; bar.value = j.done; if (j.total !== null) bar.max = Math.max(j.total, 1);
      if (!j.finished) { label.textContent = j.done + " / " + (j.total === null ? "…" : j.total); setTimeout(function () { poll(id, bar, label, done); }, 500); return; }
      if (j.error) { label.textContent = j.error; label.className = "error"; return; }
      label.textContent = "";
      done(j.result);
    });
  }
  function show(result) {
    report = result;
    var table = document.getElementById("proposals");
    var rows = result.proposals.map(function (p) {
      var edits = p.edits.map(function (e) { return "<li>" + esc(e.note) + "</li>"; }).join("");
      return "<tr data-criterion='" + esc(p.criterion) + "'><td>" + (p.offered ? "<input type='checkbox' checked data-test='choose' value='" + esc(p.criterion) + "'>" : "") + "</td>" +
        "<td title='" + esc(p.title) + "'>" + esc(p.criterion) + "</td><td class='num'>" + p.n + "</td><td class='num' data-test='before'>" + pct(p.before) +
        "</td><td class='num' data-test='after'>" + pct(p.after_cv) + "</td><td class='num'>" + pct(p.fitted) + "</td><td><ul>" + edits + "</ul></td></tr>";
    }).join("");
    table.querySelector("tbody").innerHTML = rows;
    table.hidden = !rows;
    var skipped = Object.keys(result.skipped).map(function (c) { return c + ": " + result.skipped[c]; });
    document.getElementById("skipped").textContent = rows ? skipped.join(" · ") : box.dataset.none + " " + skipped.join(" · ");
    document.getElementById("approve").hidden = !result.proposals.some(function (p) { return p.offered; });
  }
  document.getElementById("propose").addEventListener("click", function () {
    var label = document.getElementById("tune-label");
    post("/api/tune/" + encodeURIComponent(name), {}).then(function (r) {
      if (!r.ok) { label.textContent = String(r.data.detail); return; }
      poll(r.data.id, document.getElementById("tune-progress"), label, show);
    });
  });
  document.getElementById("approve").addEventListener("click", function () {
    var chosen = Array.prototype.map.call(document.querySelectorAll("[data-test=choose]:checked"), function (c) { return c.value; });
    var edits = [];
    report.proposals.forEach(function (p) { if (chosen.indexOf(p.criterion) >= 0) edits = edits.concat(p.edits); });
    var out = document.getElementById("approved");
    post("/api/tune/" + encodeURIComponent(name) + "/approve", { base_hash: report.base_hash, edits: edits, criteria: chosen }).then(function (r) {
      out.textContent = r.ok ? box.dataset.saved.replace("{version}", r.data.version) : String(r.data.detail);
      if (r.ok) { document.getElementById("approve").hidden = true; document.getElementById("rescore").hidden = false; }
    });
  });
  document.getElementById("rescore").addEventListener("click", function () {
    var button = document.getElementById("rescore");
    var label = document.getElementById("rescore-label");
    button.disabled = true;
    post("/api/scorecards/" + encodeURIComponent(name) + "/rescore", {}).then(function (r) {
      if (!r.ok) { label.textContent = String(r.data.detail); button.disabled = false; return; }
      poll(r.data.id, document.getElementById("rescore-progress"), label, function (result) {
        label.textContent = box.dataset.done.replace("{scored}", result.scored).replace("{failed}", result.failed);
        label.dataset.test = "rescore-done";
      });
    });
  });
})();
