// Coaching forms: add and remove action-item rows (any number), without a page load.
(function () {
  "use strict";
  function wire(box) {
    var add = box.querySelector("[data-coachcal=add-row]");
    var template = box.querySelector(".action-row");
    if (!add || !template) return;
    template = template.cloneNode(true);
    box.addEventListener("click", function (event) {
      var remove = event.target.closest("[data-coachcal=remove-row]");
      if (!remove) return;
      var rows = box.querySelectorAll(".action-row");
      var row = remove.closest(".action-row");
      if (rows.length > 1) { row.remove(); return; }
      row.querySelectorAll("input").forEach(function (input) { input.value = ""; });
    });
    add.addEventListener("click", function () {
      var row = template.cloneNode(true);
      row.querySelectorAll("input").forEach(function (input) { input.value = ""; });
      box.insertBefore(row, add);
      row.querySelector("input").focus();
    });
  }
  document.querySelectorAll("[data-coachcal=action-rows]").forEach(wire);
})();
