// Review page: Award and Deny are final, so each asks for confirmation in a
// dialog first. Without JavaScript the server asks on the page instead; either
// way the decision goes through only with confirm_decision equal to the action.
(function () {
  "use strict";
  var form = document.getElementById("score-form");
  var dialog = document.getElementById("decision-dialog");
  if (!form || !dialog || typeof dialog.showModal !== "function") return;
  var text = dialog.querySelector("#decision-dialog-text");
  var yes = dialog.querySelector("[data-dialog-confirm]");
  var pending = null;

  function confirmField() {
    var field = form.querySelector("input[name=confirm_decision]");
    if (!field) {
      field = document.createElement("input");
      field.type = "hidden";
      field.name = "confirm_decision";
      form.appendChild(field);
    }
    return field;
  }

  form.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (!button || !button.dataset.confirm) return;
    if (confirmField().value === button.value) return;  // already confirmed
    event.preventDefault();
    pending = button;
    text.textContent = button.dataset.confirm;
    // The page writes the confirming words in its own language (data-confirm-yes).
    yes.textContent = button.dataset.confirmYes || button.textContent.trim();
    yes.className = button.className;
    dialog.showModal();
  });

  yes.addEventListener("click", function () {
    var button = pending;
    dialog.close();
    if (!button) return;
    confirmField().value = button.value;
    form.requestSubmit(button);
  });

  dialog.querySelector("[data-dialog-cancel]").addEventListener("click", function () {
    dialog.close();
  });

  // The button that opened the dialog stays its subject until another opens it:
  // a close event may arrive after the dialog has been opened again (keyboard
  // activation), so it never forgets which decision is being confirmed.
  dialog.addEventListener("close", function () {
    if (pending && !dialog.open && confirmField().value !== pending.value) pending.focus();
  });
})();
