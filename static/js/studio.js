// Studio edit page: reorder prompts, evidence and rubric criteria by dragging an
// item or with its Move up / Move down buttons, without a page load. Without
// this file the buttons still work: they save the page and move the item on
// the server. The new order is written into each item's hidden position field
// and a "change" event lets the page's autosave (application.js) send it.
(function () {
  "use strict";
  var form = document.getElementById("studio-form");
  if (!form) return;
  var gettext = window.gettext || function (text) { return text; };
  var interpolate = window.interpolate || function (text, values) {
    return text.replace(/%\((\w+)\)s/g, function (all, key) { return values[key]; });
  };
  var status = document.getElementById("move-status");

  function items(list) {
    return Array.prototype.filter.call(list.children, function (el) { return el.hasAttribute("data-item"); });
  }

  function renumber(list) {
    var all = items(list);
    all.forEach(function (item, index) {
      var position = item.querySelector("input[data-position]");
      if (position) position.value = String(index + 1);
      var number = item.querySelector("[data-item-number]");
      if (number) number.textContent = String(index + 1);
      var up = item.querySelector("[data-move=up]");
      var down = item.querySelector("[data-move=down]");
      if (up) up.setAttribute("aria-disabled", index === 0 ? "true" : "false");
      if (down) down.setAttribute("aria-disabled", index === all.length - 1 ? "true" : "false");
    });
    form.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function announce(item, list) {
    var all = items(list);
    status.textContent = interpolate(gettext("Moved to position %(position)s of %(count)s."), {
      position: all.indexOf(item) + 1, count: all.length,
    }, true);
  }

  // Keyboard (and pointer) moves with the buttons: focus stays on the button pressed.
  form.addEventListener("click", function (event) {
    var button = event.target.closest("[data-move]");
    if (!button) return;
    event.preventDefault();
    if (button.getAttribute("aria-disabled") === "true") return;
    var item = button.closest("[data-item]");
    var list = item.parentElement;
    if (button.dataset.move === "up" && item.previousElementSibling) {
      list.insertBefore(item, item.previousElementSibling);
    } else if (button.dataset.move === "down" && item.nextElementSibling) {
      list.insertBefore(item.nextElementSibling, item);
    } else {
      return;
    }
    renumber(list);
    button.focus();
    announce(item, list);
  });

  // Dragging by the handle (the whole item is the drag source).
  var dragged = null;
  Array.prototype.forEach.call(form.querySelectorAll("[data-sortable]"), function (list) {
    items(list).forEach(function (item) {
      var handle = item.querySelector(".drag-handle");
      if (!handle) return;
      handle.addEventListener("mousedown", function () { item.setAttribute("draggable", "true"); });
      item.addEventListener("dragstart", function (event) {
        dragged = item;
        item.classList.add("dragging");
        event.dataTransfer.effectAllowed = "move";
        event.dataTransfer.setData("text/plain", item.id);
      });
      item.addEventListener("dragend", function () {
        item.classList.remove("dragging");
        item.removeAttribute("draggable");
        dragged = null;
      });
    });
    list.addEventListener("dragover", function (event) {
      if (!dragged || dragged.parentElement !== list) return;
      event.preventDefault();
      var over = event.target.closest("[data-item]");
      if (!over || over === dragged) return;
      var box = over.getBoundingClientRect();
      var after = event.clientY > box.top + box.height / 2;
      list.insertBefore(dragged, after ? over.nextElementSibling : over);
    });
    list.addEventListener("drop", function (event) {
      if (!dragged || dragged.parentElement !== list) return;
      event.preventDefault();
      renumber(list);
      announce(dragged, list);
    });
  });
})();
