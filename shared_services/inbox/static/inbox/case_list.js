// Progressive enhancement of the inbox list and its print view (inbox/case_list.html, inbox/case_print.html).
// Without JavaScript, each case is ticked by hand and the browser's own Print command prints.
(function () {
  "use strict";

  // "Tick every case on this page": a checkbox in the table's heading, shown only when it can work.
  function tickAll() {
    var all = document.getElementById("tick-all");
    if (!all) return;
    var boxes = document.querySelectorAll('input[type="checkbox"][name="sprawa"]');
    all.hidden = false;
    all.addEventListener("change", function () {
      boxes.forEach(function (box) { box.checked = all.checked; });
    });
  }

  // The print view's button calls the browser's Print dialog; the hint about Ctrl+P is then not needed.
  function printButton() {
    var button = document.querySelector("[data-print]");
    if (!button) return;
    button.hidden = false;
    var hint = document.querySelector("[data-print-hint]");
    if (hint) hint.hidden = true;
    button.addEventListener("click", function () { window.print(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    tickAll();
    printButton();
  });
})();
