// Ordered admin inlines (prompts, evidence requirements, rubric criteria):
// "Move up" and "Move down" buttons beside each row's position. A move swaps
// the row with its neighbour in the same group (a prompt's part) and numbers
// that group's positions 1, 2, 3... in page order, so saving stores the order
// on screen. Without JavaScript the position is typed by hand.
(function () {
  "use strict";

  var ORDER_FIELD = "position";

  function formRows(tbody) {
    return Array.prototype.filter.call(tbody.children, function (row) {
      return row.classList.contains("form-row") && !row.classList.contains("empty-form");
    });
  }

  function input(row, name) {
    return row.querySelector(
      "td.field-" + name + " input, td.field-" + name + " select, td.field-" + name + " textarea"
    );
  }

  function groupOf(row, groupField) {
    var field = groupField && input(row, groupField);
    return field ? field.value : "";
  }

  function groupLabel(row, groupField) {
    var field = groupField && input(row, groupField);
    if (!field || !field.options) return "";
    return " in " + field.options[field.selectedIndex].text;
  }

  function rowName(row) {
    var field = input(row, "title") || input(row, "text");
    var text = field && field.value.trim();
    if (!text) return "this row";
    return "“" + (text.length > 40 ? text.slice(0, 40) + "…" : text) + "”";
  }

  // The row, with the row of errors Django puts right before it.
  function unit(row) {
    var previous = row.previousElementSibling;
    return previous && previous.classList.contains("row-form-errors") ? [previous, row] : [row];
  }

  function sameGroupNeighbour(row, groupField, step) {
    var rows = formRows(row.parentNode);
    var neighbour = rows[rows.indexOf(row) + step];
    return neighbour && groupOf(neighbour, groupField) === groupOf(row, groupField)
      ? neighbour
      : null;
  }

  function renumber(tbody, groupField) {
    var counters = {};
    formRows(tbody).forEach(function (row) {
      var position = input(row, ORDER_FIELD);
      if (!position) return;
      var group = groupOf(row, groupField);
      counters[group] = (counters[group] || 0) + 1;
      position.value = counters[group];
    });
  }

  function nextPosition(tbody, groupField, except) {
    var highest = 0;
    formRows(tbody).forEach(function (row) {
      if (row === except || groupOf(row, groupField) !== groupOf(except, groupField)) return;
      var value = parseInt((input(row, ORDER_FIELD) || {}).value, 10);
      if (value > highest) highest = value;
    });
    return highest + 1;
  }

  function refreshButtons(tbody, groupField) {
    formRows(tbody).forEach(function (row) {
      var up = row.querySelector(".order-up");
      var down = row.querySelector(".order-down");
      if (!up || !down) return;
      up.disabled = !sameGroupNeighbour(row, groupField, -1);
      down.disabled = !sameGroupNeighbour(row, groupField, 1);
      var name = rowName(row);
      up.setAttribute("aria-label", "Move " + name + " up");
      down.setAttribute("aria-label", "Move " + name + " down");
    });
  }

  function move(row, step, groupField, status) {
    var neighbour = sameGroupNeighbour(row, groupField, step);
    if (!neighbour) return;
    var tbody = row.parentNode;
    var moving = unit(row);
    var anchor = step < 0 ? unit(neighbour)[0] : neighbour.nextElementSibling;
    moving.forEach(function (element) {
      tbody.insertBefore(element, anchor);
    });
    renumber(tbody, groupField);
    refreshButtons(tbody, groupField);
    var button = row.querySelector(step < 0 ? ".order-up" : ".order-down");
    (button.disabled ? row.querySelector(step < 0 ? ".order-down" : ".order-up") : button).focus();
    status.textContent =
      rowName(row) + " is now number " + input(row, ORDER_FIELD).value + groupLabel(row, groupField) +
      ". Save to keep this order.";
  }

  function addButtons(row, groupField, status) {
    var cell = row.querySelector("td.field-" + ORDER_FIELD);
    if (!cell || cell.querySelector(".order-buttons")) return;
    var buttons = document.createElement("span");
    buttons.className = "order-buttons";
    [
      ["order-up", "↑", -1],
      ["order-down", "↓", 1],
    ].forEach(function (spec) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = spec[0];
      button.textContent = spec[1];
      button.addEventListener("click", function () {
        move(row, spec[2], groupField, status);
      });
      buttons.appendChild(button);
    });
    cell.appendChild(buttons);
  }

  // Django renumbers form names in page order when an added row is removed.
  // Rows already saved must keep the first numbers (the formset finds them by
  // their id), so number saved rows first, then new ones.
  function reindex(tbody, prefix) {
    var rows = formRows(tbody);
    var saved = rows.filter(function (row) {
      var id = row.querySelector('input[name$="-id"]');
      return id && id.value;
    });
    var added = rows.filter(function (row) {
      return saved.indexOf(row) < 0;
    });
    var pattern = new RegExp("(" + prefix + "-)(\\d+)(?=-|$)");
    saved.concat(added).forEach(function (row, index) {
      [row].concat(Array.prototype.slice.call(row.querySelectorAll("[id],[name],[for]")))
        .forEach(function (element) {
          ["id", "name", "for"].forEach(function (attribute) {
            var value = element.getAttribute(attribute);
            if (value) element.setAttribute(attribute, value.replace(pattern, "$1" + index));
          });
        });
    });
  }

  function setUp(group) {
    var fieldset = group.querySelector("fieldset.ordered-inline");
    var tbody = group.querySelector("tbody");
    if (!fieldset || !tbody) return;
    var prefix = JSON.parse(group.dataset.inlineFormset).options.prefix;
    var groupClass = Array.prototype.find.call(fieldset.classList, function (name) {
      return name.indexOf("order-group-") === 0;
    });
    var groupField = groupClass ? groupClass.slice("order-group-".length) : "";
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("aria-live", "polite");
    fieldset.appendChild(status);

    formRows(tbody).forEach(function (row) {
      addButtons(row, groupField, status);
    });
    refreshButtons(tbody, groupField);

    tbody.addEventListener("change", function (event) {
      var row = event.target.closest("tr.form-row");
      if (!row) return;
      if (groupField && event.target === input(row, groupField)) {
        // A row moved to another group goes to its end.
        input(row, ORDER_FIELD).value = nextPosition(tbody, groupField, row);
      }
      refreshButtons(tbody, groupField);
    });
    group.addEventListener("formset:added", function (event) {
      var row = event.target;
      if (event.detail.formsetName !== prefix || !row.classList) return;
      input(row, ORDER_FIELD).value = nextPosition(tbody, groupField, row);
      addButtons(row, groupField, status);
      refreshButtons(tbody, groupField);
    });
    document.addEventListener("formset:removed", function (event) {
      if (event.detail.formsetName !== prefix) return;
      // After Django's own renumbering, which runs once this event is handled.
      window.setTimeout(function () {
        reindex(tbody, prefix);
        refreshButtons(tbody, groupField);
      }, 0);
    });
  }

  function start() {
    document.querySelectorAll(".js-inline-admin-formset").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
