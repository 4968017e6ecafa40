// callqa pages: transcript <-> audio sync, evidence focus. No framework, no build step.
// window.callqa: the JSON helpers the page scripts share (scorecard.js, tune.js).
window.callqa = (function () {
  "use strict";
  function csrf() { var m = document.querySelector("meta[name=csrf-token]"); return m ? m.content : ""; }
  function answer(r) {
    return r.json().then(function (data) { return { ok: r.ok, data: data }; },
      function () { return { ok: false, data: { detail: r.status + " " + r.statusText } }; });
  }
  return {
    post: function (url, body) {
      return fetch(url, { method: "POST", headers: { "content-type": "application/json", "x-csrf-token": csrf() },
        body: JSON.stringify(body), credentials: "same-origin" }).then(answer);
    },
    get: function (url) { return fetch(url, { credentials: "same-origin" }).then(answer); },
    esc: function (text) { return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;"); }
  };
})();
(function () {
  "use strict";
  function ready(fn) { if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn); }
  ready(function () {
    var player = document.getElementById("player");
    var turns = Array.prototype.slice.call(document.querySelectorAll(".turn[data-start]"));
    function seek(ms) {
      if (!player || ms === "" || ms === null || isNaN(Number(ms))) return false;
      player.currentTime = Number(ms) / 1000;
      player.play().catch(function () {});
      return true;
    }
    function showTurn(index) {
      var el = document.querySelector('.turn[data-turn="' + index + '"]');
      if (el) { el.scrollIntoView({ block: "center", behavior: "smooth" }); el.classList.add("active");
        setTimeout(function () { el.classList.remove("active"); }, 1500); }
    }
    // click a turn: play from its start
    turns.forEach(function (el) {
      el.addEventListener("click", function () { seek(el.dataset.start); });
    });
    // follow playback: highlight the turn being heard
    if (player) {
      player.addEventListener("timeupdate", function () {
        var ms = player.currentTime * 1000;
        turns.forEach(function (el) {
          var on = ms >= Number(el.dataset.start) && ms <= Number(el.dataset.end);
          el.classList.toggle("active", on);
        });
      });
    }
    // evidence and moment links: jump to the turn (and the audio)
    document.querySelectorAll("a[data-turn]").forEach(function (a) {
      a.addEventListener("click", function (ev) { ev.preventDefault(); seek(a.dataset.seek); showTurn(a.dataset.turn); });
    });
    // opening a criterion marks its evidence in the transcript
    document.querySelectorAll("details.criterion").forEach(function (d) {
      d.addEventListener("toggle", function () {
        var id = d.dataset.criterion;
        document.querySelectorAll("mark[data-criteria]").forEach(function (m) {
          var mine = (" " + m.dataset.criteria + " ").indexOf(" " + id + " ") >= 0;
          if (mine) m.classList.toggle("focus", d.open);
        });
      });
    });
  });
})();
