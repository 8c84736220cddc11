// "Copy link" on the award page: the button needs JavaScript, so it only
// appears when scripts run; without them the link is selectable in its field.
// Its messages come translated from the page (data-copied-text, data-copy-hint-text).
(function () {
  "use strict";
  document.querySelectorAll("[data-copy-control]").forEach(function (control) {
    var button = control.querySelector("button");
    var field = document.getElementById(button.getAttribute("data-copy-target"));
    var status = control.querySelector("[data-copy-status]");
    if (!field || !navigator.clipboard) return;
    control.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(function () {
        status.textContent = control.dataset.copiedText || "Link copied.";
      }, function () {
        field.select();
        status.textContent = control.dataset.copyHintText || "Press Ctrl+C (or Cmd+C) to copy.";
      });
    });
  });
})();
