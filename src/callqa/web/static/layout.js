// callqa layout: every table of the page content sits in a horizontally scrollable box (.table-wrap), so a
// wide table scrolls on its own and the page never scrolls sideways — for the tables of every template and
// those a page script adds later, without markup in the templates. Without JavaScript, app.css lets tables
// scroll themselves on narrow screens.
(function () {
  "use strict";
  function wrap(root) {
    root.querySelectorAll("table").forEach(function (table) {
      var parent = table.parentElement;
      if (!parent || parent.classList.contains("table-wrap") || table.closest("td, th, svg")) return;
      var box = document.createElement("div");
      box.className = "table-wrap";
      parent.insertBefore(box, table);
      box.appendChild(table);
    });
  }
  function start() {
    var main = document.querySelector("main");
    if (!main) return;
    wrap(main);
    new MutationObserver(function () { wrap(main); }).observe(main, { childList: true, subtree: true });
  }
  if (document.readyState !== "loading") start(); else document.addEventListener("DOMContentLoaded", start);
})();
