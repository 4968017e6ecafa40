// The grading form of the interaction page: saved without a reload (the form still posts without
// JavaScript), keys to move between criteria and grade them, comments anchored to a turn or a time.
(function () {
  "use strict";
  function ready(fn) { if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn); }
  var KEYS = { p: "pass", f: "fail", n: "n/a" };

  function typing(el) {
    if (!el || !el.tagName) return false;
    if (el.isContentEditable) return true;
    var tag = el.tagName.toLowerCase();
    if (tag === "textarea" || tag === "select") return true;
    return tag === "input" && ["radio", "checkbox", "button", "submit"].indexOf(el.type) < 0;
  }

  function clock(seconds) {
    var s = Math.max(0, Math.floor(seconds)), h = Math.floor(s / 3600), m = Math.floor(s % 3600 / 60), r = s % 60;
    var mm = h ? String(m).padStart(2, "0") : String(m);
    return (h ? h + ":" : "") + mm + ":" + String(r).padStart(2, "0");
  }

  function line(cls, test, text, muted) {
    var p = document.createElement("p");
    p.className = cls;
    p.dataset.test = test;
    p.textContent = text + " ";
    var span = document.createElement("span");
    span.className = "muted";
    span.textContent = muted;
    p.appendChild(span);
    return p;
  }

  function grading(form) {
    var crits = Array.prototype.slice.call(form.querySelectorAll(".crit"));
    var status = form.querySelector(".grade-status");
    var current = -1;
    var saving = false;

    function select(i) {
      if (!crits.length) return;
      current = Math.max(0, Math.min(crits.length - 1, i));
      crits.forEach(function (c, j) { c.classList.toggle("current", j === current); });
      var id = crits[current].dataset.criterion;  // its evidence marked in the transcript
      document.querySelectorAll("mark[data-criteria]").forEach(function (m) {
        m.classList.toggle("focus", (" " + m.dataset.criteria + " ").indexOf(" " + id + " ") >= 0);
      });
      crits[current].focus({ preventScroll: true });
      crits[current].scrollIntoView({ block: "nearest" });
    }
    function mark(crit) {
      var on = crit.querySelector("input[type=radio]:checked");
      crit.classList.toggle("changed", !!on && on.value !== crit.dataset.final);
    }
    function setOutcome(outcome) {
      if (current < 0) select(0);
      var radio = crits[current].querySelector('input[type=radio][value="' + outcome + '"]');
      if (radio) { radio.checked = true; mark(crits[current]); }
    }
    function say(text, ok) {
      status.textContent = text;
      status.classList.toggle("ok", ok);
      status.classList.toggle("bad", !ok);
    }
    function save() {
      if (saving) return;
      var body = { outcomes: {}, comments: {}, comment: form.elements.comment ? form.elements.comment.value : null };
      crits.forEach(function (crit) {
        var id = crit.dataset.criterion, on = crit.querySelector("input[type=radio]:checked");
        var note = crit.querySelector("textarea");
        if (on) body.outcomes[id] = on.value;
        if (note && note.value.trim()) body.comments[id] = note.value;
      });
      saving = true;
      window.callqa.post(form.dataset.api, body).then(function (r) {
        saving = false;
        if (!r.ok) { say(status.dataset.failed + ": " + (r.data.detail || ""), false); return; }
        var data = r.data, score = data.score === null ? "–" : Math.round(data.score);
        document.querySelectorAll("[data-test=review-score]").forEach(function (el) { el.textContent = score; });
        if (data.state !== "draft") {  // once shared, the review's score is the official one
          document.querySelectorAll("[data-test=score]").forEach(function (el) { el.textContent = score; });
        }
        var comments = data.comments || [];
        data.criteria.forEach(function (c) {
          var crit = form.querySelector('.crit[data-criterion="' + c.id + '"]');
          if (!crit) return;
          var note = crit.querySelector("textarea"), evidence = crit.querySelector(".crit-evidence");
          if (data.changed.indexOf(c.id) >= 0) {
            var change = data.overrides.filter(function (o) { return o.criterion === c.id; }).pop();
            if (change) evidence.appendChild(line("change", "change-" + c.id, change.ai_outcome + " → " + change.outcome + " “" + change.reason + "”", change.by || ""));
          } else if (data.commented.indexOf(c.id) >= 0) {
            var mine = comments.filter(function (n) { return n.criterion === c.id; }).pop();
            if (mine) evidence.appendChild(line("note", "note-" + c.id, mine.text, mine.by || ""));
          }
          crit.dataset.final = c.final_outcome;
          if (note) note.value = "";
          mark(crit);
        });
        say(status.dataset.saved.replace("{n}", data.changed.length).replace("{score}", score), true);
      }, function (err) { saving = false; say(status.dataset.failed + ": " + err, false); });
    }

    form.addEventListener("submit", function (ev) { ev.preventDefault(); save(); });
    crits.forEach(function (crit, i) {
      crit.addEventListener("click", function () { if (current !== i) { current = i; crits.forEach(function (c, j) { c.classList.toggle("current", j === i); }); } });
      crit.addEventListener("change", function () { mark(crit); });
    });
    document.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) { ev.preventDefault(); save(); return; }
      if (ev.key === "Escape" && typing(ev.target) && ev.target.closest(".crit")) {  // back to the criterion
        ev.target.blur(); select(crits.indexOf(ev.target.closest(".crit"))); return;
      }
      if (typing(ev.target) || ev.ctrlKey || ev.metaKey || ev.altKey) return;
      var key = ev.key.length === 1 ? ev.key.toLowerCase() : ev.key;
      var arrows = (key === "ArrowDown" || key === "ArrowUp") && (current >= 0 || form.contains(ev.target));
      if (key === "j" || (arrows && key === "ArrowDown")) { ev.preventDefault(); select(current + 1); }
      else if (key === "k" || (arrows && key === "ArrowUp")) { ev.preventDefault(); select(current - 1); }
      else if (KEYS[key]) { ev.preventDefault(); setOutcome(KEYS[key]); }
      else if (key === "c") { ev.preventDefault(); if (current < 0) select(0); var t = crits[current].querySelector("textarea"); if (t) t.focus(); }
      else if (key === "s") { ev.preventDefault(); save(); }
    });
  }

  function noting(form) {
    var player = document.getElementById("player");
    document.querySelectorAll("[data-note-turn]").forEach(function (button) {
      button.addEventListener("click", function (ev) {
        ev.stopPropagation();  // not the turn's click (which plays it)
        form.elements.turn.value = button.dataset.noteTurn;
        var turn = button.closest(".turn");
        if (turn && turn.dataset.start) form.elements.at.value = clock(Number(turn.dataset.start) / 1000);
        form.scrollIntoView({ block: "nearest" });
        form.elements.text.focus();
      });
    });
    var now = form.querySelector("[data-note-now]");
    if (now && player) {
      now.addEventListener("click", function () { form.elements.at.value = clock(player.currentTime); form.elements.text.focus(); });
    }
  }

  ready(function () {
    var form = document.getElementById("grade-form");
    if (form) grading(form);
    var notes = document.getElementById("note-form");
    if (notes) noting(notes);
  });
})();
