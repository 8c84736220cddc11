// Application page: live word counts, background autosave, and a warning
// before leaving with unsaved changes. The page works without this file.
(function () {
  "use strict";
  var form = document.getElementById("application-form");
  if (!form) return;

  // The same rule as submissions/words.py: runs of non-space characters.
  function countWords(text) {
    var trimmed = text.trim();
    return trimmed ? trimmed.split(/\s+/).length : 0;
  }

  var dirty = false;
  var textDirty = false;
  var status = document.getElementById("autosave-status");
  var versionInput = form.querySelector("input[name=version]");

  function updateCount(textarea) {
    var counter = document.querySelector('[data-count-for="' + textarea.id + '"]');
    if (!counter) return;
    var limit = parseInt(textarea.dataset.wordLimit || "0", 10);
    var words = countWords(textarea.value);
    counter.querySelector(".count").textContent = words;
    var over = limit && words > limit;
    counter.classList.toggle("over", !!over);
    textarea.setAttribute("aria-invalid", over ? "true" : "false");
  }

  form.querySelectorAll("textarea[data-word-limit]").forEach(function (textarea) {
    textarea.addEventListener("input", function () {
      updateCount(textarea);
      dirty = true;
      textDirty = true;
    });
  });
  form.addEventListener("change", function () { dirty = true; });

  var submitting = false;
  form.addEventListener("submit", function () { submitting = true; });
  window.addEventListener("beforeunload", function (event) {
    if (dirty && !submitting) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  var stopped = false;
  function autosave() {
    if (!textDirty || submitting || stopped) return;
    textDirty = false;
    var data = new FormData();
    data.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
    data.append("version", versionInput.value);
    form.querySelectorAll("textarea[data-word-limit]").forEach(function (t) {
      data.append(t.name, t.value);
    });
    fetch(form.dataset.autosaveUrl, { method: "POST", body: data, credentials: "same-origin" })
      .then(function (response) { return response.json().then(function (body) { return [response, body]; }); })
      .then(function (pair) {
        var body = pair[1];
        if (body.ok) {
          versionInput.value = body.version;
          status.textContent = "Saved automatically at " + body.saved_at + ".";
          if (!form.querySelector("input[type=file]").value) dirty = textDirty;
        } else {
          stopped = true;
          status.textContent = body.error + " Automatic saving is paused.";
        }
      })
      .catch(function () {
        textDirty = true;
        status.textContent = "Could not save automatically; your text is still here. Use Save draft.";
      });
  }
  window.setInterval(autosave, 15000);
})();
