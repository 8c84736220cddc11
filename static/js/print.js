// Printable credential page: the Print button needs JavaScript, so it only
// appears when scripts run.
(function () {
  "use strict";
  var printControl = document.querySelector("[data-print-control]");
  if (!printControl) return;
  printControl.hidden = false;
  printControl.querySelector("button").addEventListener("click", function () {
    window.print();
  });
})();
