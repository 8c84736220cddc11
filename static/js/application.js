// Draft pages (a learner's application, a designer's credential in the studio):
// live word counts, background autosave, a copy of unsaved text kept in this
// browser, and a warning before leaving with unsaved changes. The pages work
// without this file. A form opts in with data-autosave-url; its other data-
// attributes say which fields it saves in the background (data-autosave-fields,
// a CSS selector; the answers with a word limit by default), whether the
// background save sends the whole form (data-autosave-whole-form), how often
// (data-autosave-every, in ms) and under which name the browser copy is kept
// (data-store-prefix).
//
// Nothing typed may be lost when the sign-in ends while the page is open
// (signed out in another tab, session expired): the answers and the link being
// typed are copied to localStorage for this draft, with the version they were
// typed on, and the copy is removed only once the server has them. A page
// loaded later with a copy that differs from what the server has offers to
// restore it.
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll("form[data-autosave-url]"), draftPage);

function draftPage(form) {

  // Sentences come from Django's JavaScript catalog (loaded before this file) in
  // the page's language; English stands in if it did not load.
  var gettext = window.gettext || function (text) { return text; };
  var interpolate = window.interpolate || function (text, values, named) {
    return text.replace(/%\((\w+)\)s/g, function (all, key) { return named ? values[key] : all; });
  };
  var pageLanguage = document.documentElement.lang || [];

  var status = document.getElementById("autosave-status");
  var versionInput = form.querySelector("input[name=version]");
  var tokenInput = form.querySelector("[name=csrfmiddlewaretoken]");
  var wholeForm = form.dataset.autosaveWholeForm === "true";
  var answers = Array.prototype.slice.call(
    form.querySelectorAll(form.dataset.autosaveFields || "textarea[data-word-limit]")
  );
  var links = Array.prototype.slice.call(form.querySelectorAll("input[name=link_title], input[name=link_url]"));
  var kept = answers.concat(links);
  var storePrefix = form.dataset.storePrefix || "unsaved-application:";
  var storeKey = storePrefix + form.dataset.draft;
  // A copy older than this is dropped: it is not left for long on a shared computer.
  var keepForMs = 14 * 24 * 3600 * 1000;

  // The same rule as submissions/words.py: runs of non-space characters.
  function countWords(text) {
    var trimmed = text.trim();
    return trimmed ? trimmed.split(/\s+/).length : 0;
  }

  function updateCount(textarea) {
    var counter = document.querySelector('[data-count-for="' + textarea.id + '"]');
    if (!counter) {
      textarea.setAttribute("aria-invalid", textarea.dataset.refused === "true" ? "true" : "false");
      return;
    }
    var limit = parseInt(textarea.dataset.wordLimit || "0", 10);
    var words = countWords(textarea.value);
    counter.querySelector(".count").textContent = words;
    var over = limit && words > limit;
    counter.classList.toggle("over", !!over);
    var invalid = over || textarea.dataset.refused === "true";
    textarea.setAttribute("aria-invalid", invalid ? "true" : "false");
  }

  // Why the server refused an answer, shown beside it (empty message: clear it).
  function setRefusal(textarea, message) {
    var box = document.getElementById(textarea.id + "_invalid");
    if (!box) return;
    box.textContent = message || "";
    box.hidden = !message;
    var described = (textarea.getAttribute("aria-describedby") || "").split(/\s+/)
      .filter(function (id) { return id && id !== box.id; });
    if (message) described.push(box.id);
    textarea.setAttribute("aria-describedby", described.join(" "));
    textarea.dataset.refused = message ? "true" : "";
    updateCount(textarea);
  }

  function say(text, link) {
    status.textContent = text;
    if (link) {
      status.appendChild(document.createTextNode(" "));
      var a = document.createElement("a");
      a.href = link.href;
      a.target = "_blank";
      a.rel = "noopener";
      a.textContent = link.text;
      status.appendChild(a);
      if (link.after) status.appendChild(document.createTextNode(" " + link.after));
    }
  }

  // --- the copy kept in this browser ---------------------------------------
  function values() {
    var fields = {};
    kept.forEach(function (field) { fields[field.name] = field.value; });
    return fields;
  }

  function readStore(key) {
    try {
      var stored = JSON.parse(window.localStorage.getItem(key || storeKey));
      return stored && stored.fields ? stored : null;
    } catch (error) {
      return null;
    }
  }

  function dropExpiredCopies() {
    try {
      for (var i = window.localStorage.length - 1; i >= 0; i--) {
        var key = window.localStorage.key(i);
        if (key.indexOf(storePrefix) !== 0) continue;
        var stored = readStore(key);
        if (!stored || !(Date.now() - stored.at < keepForMs)) window.localStorage.removeItem(key);
      }
    } catch (error) { /* storage unavailable */ }
  }

  // An offer not yet answered stays in the copy for the fields not typed in since.
  var offer = null;
  var touched = {};

  function writeStore() {
    var fields = values();
    var version = versionInput.value;
    var at = Date.now();
    if (offer) {
      Object.keys(offer.fields).forEach(function (name) {
        if (!touched[name]) fields[name] = offer.fields[name];
      });
      version = offer.version;
      at = offer.at;
    }
    try {
      window.localStorage.setItem(storeKey, JSON.stringify({ version: version, at: at, fields: fields }));
    } catch (error) {
      // Storage full or disabled: the page still warns before leaving.
    }
  }

  // Typing rewrites the copy once it pauses; a save or leaving the page writes it at once.
  var storeTimer = null;
  function scheduleStore() {
    window.clearTimeout(storeTimer);
    storeTimer = window.setTimeout(writeStore, 400);
  }

  function clearStore() {
    try { window.localStorage.removeItem(storeKey); } catch (error) { /* nothing kept */ }
  }

  // --- typing ------------------------------------------------------------------
  var dirty = false;
  var textDirty = false;

  answers.forEach(function (textarea) {
    textarea.addEventListener("input", function () {
      updateCount(textarea);
      textDirty = true;
    });
  });
  kept.forEach(function (field) {
    field.addEventListener("input", function () {
      dirty = true;
      touched[field.name] = true;
      scheduleStore();
    });
  });
  form.addEventListener("change", function () {
    dirty = true;
    // A whole-form save also carries choices and the order of lists.
    if (wholeForm) textDirty = true;
  });
  // Text typed while the page was still loading (before this script ran) is
  // saved and kept like text typed afterwards.
  kept.forEach(function (field) {
    if (field.value === field.defaultValue) return;
    dirty = true;
    touched[field.name] = true;
    if (answers.indexOf(field) !== -1) {
      textDirty = true;
      updateCount(field);
    }
    scheduleStore();
  });

  // --- the copy found when the page opens ---------------------------------------
  var offerBox = document.getElementById("restore-offer");

  function fieldNamed(name) {
    return kept.filter(function (field) { return field.name === name; })[0];
  }

  function label(field) {
    var labelFor = form.querySelector('label[for="' + field.id + '"]');
    return labelFor ? labelFor.textContent.replace(/\s+/g, " ").trim() : field.name;
  }

  function differences(stored) {
    var savedLinks = Array.prototype.map.call(
      form.querySelectorAll("a[data-saved-link]"), function (a) { return a.getAttribute("href"); }
    );
    var linkSaved = savedLinks.indexOf(stored.fields.link_url) !== -1;
    var found = {};
    Object.keys(stored.fields).forEach(function (name) {
      var field = fieldNamed(name);
      var text = stored.fields[name];
      // An empty copy never replaces text, and a link already saved is not offered again.
      if (!field || !text || text === field.value) return;
      if (linkSaved && (name === "link_url" || name === "link_title")) return;
      found[name] = text;
    });
    return found;
  }

  function closeOffer() {
    offer = null;
    touched = {};
    offerBox.hidden = true;
  }

  function showOffer(stored, found) {
    offer = { version: stored.version, at: stored.at, fields: found };
    var when = new Date(stored.at);
    var detail = isNaN(when)
      ? gettext("It was typed on this page, perhaps when you were signed out.")
      : interpolate(gettext("It was typed on this page at %(time)s, perhaps when you were signed out."), {
        time: when.toLocaleString(pageLanguage, { dateStyle: "medium", timeStyle: "short" }),
      }, true);
    if (String(stored.version) !== versionInput.value) {
      detail += " " + gettext("The draft has been saved since (perhaps from another tab or device): compare before you restore.");
    }
    var list = offerBox.querySelector("[data-restore-list]");
    list.textContent = "";
    Object.keys(found).forEach(function (name) {
      var item = document.createElement("li");
      item.textContent = label(fieldNamed(name));
      list.appendChild(item);
    });
    offerBox.hidden = false;
    offerBox.querySelector("[data-restore-detail]").textContent = detail;
  }

  offerBox.querySelector("[data-restore-accept]").addEventListener("click", function () {
    var restored = Object.keys(offer.fields).map(function (name) {
      var field = fieldNamed(name);
      field.value = offer.fields[name];
      if (field.tagName === "TEXTAREA") updateCount(field);
      return field;
    });
    closeOffer();
    dirty = true;
    textDirty = true;
    writeStore();
    say(gettext("Your unsaved text is back. Press Save draft to keep it."));
    restored[0].focus();
  });

  offerBox.querySelector("[data-restore-discard]").addEventListener("click", function () {
    closeOffer();
    if (dirty) writeStore(); else clearStore();
    say(gettext("The text kept in this browser was discarded."));
  });

  dropExpiredCopies();
  var stored = readStore();
  var found = stored ? differences(stored) : {};
  // Text the server sent back without storing it (refused, out of date, a refused link).
  var unsaved = answers.some(function (t) { return t.dataset.unsaved === "true"; }) ||
    links.some(function (f) { return f.value; });
  if (Object.keys(found).length) {
    showOffer(stored, found);
  } else if (unsaved) {
    dirty = true;
    writeStore();
  } else {
    clearStore();
  }

  // --- sending -------------------------------------------------------------------
  // Signing in again (in another tab) changes the CSRF cookie: send the current one.
  function freshToken() {
    var name = form.dataset.csrfCookie;
    var match = name && document.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
    if (match) tokenInput.value = decodeURIComponent(match[1]);
  }

  var submitting = false;
  form.addEventListener("submit", function () {
    submitting = true;
    window.clearTimeout(storeTimer);
    freshToken();
    // If the server bounces this save (signed out), the text is here on return.
    writeStore();
  });
  window.addEventListener("pagehide", function () {
    if (dirty) writeStore();
  });
  window.addEventListener("beforeunload", function (event) {
    if (dirty && !submitting) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  function signedOut(message) {
    say(message, {
      href: form.dataset.loginUrl,
      text: gettext("Sign in again (opens a new tab)"),
      after: gettext("then come back to this tab and press Save draft."),
    });
  }

  var stopped = false;
  function autosave() {
    if (!textDirty || submitting || stopped) return;
    textDirty = false;
    freshToken();
    var sent = {};
    var data = new FormData();
    if (wholeForm) {
      data = new FormData(form);
      data.delete("action");
      Array.prototype.forEach.call(form.querySelectorAll("input[type=file]"), function (f) { data.delete(f.name); });
    }
    data.set("csrfmiddlewaretoken", tokenInput.value);
    data.set("version", versionInput.value);
    answers.forEach(function (t) {
      data.set(t.name, t.value);
      sent[t.name] = t.value;
    });
    fetch(form.dataset.autosaveUrl, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        return response.json().then(
          function (body) { return body; },
          function () {
            // Something sent the sign-in page instead of JSON.
            var loginPath = form.dataset.loginUrl.split("?")[0];
            return { ok: false, unreadable: true, toLogin: response.url.indexOf(loginPath) !== -1 };
          }
        );
      })
      .then(function (body) { handle(body, sent); })
      .catch(function () {
        textDirty = true;
        say(gettext("Could not reach the server to save automatically. Your text is kept in this browser and saving will be tried again; you can also press Save draft."));
      });
  }

  function handle(body, sent) {
    // Only a save moves the page to the new version; a conflict must not.
    if ((body.ok || body.errors) && body.version) versionInput.value = body.version;
    var changedSince = answers.some(function (t) { return t.value !== sent[t.name]; });
    if (body.ok || body.errors) {
      answers.forEach(function (t) { setRefusal(t, body.errors && body.errors[t.name] ? body.errors[t.name].join(" ") : ""); });
    }
    if (body.ok) {
      say(interpolate(gettext("Saved automatically at %(time)s."), { time: body.saved_at }, true));
      var linkTyped = links.some(function (f) { return f.value; });
      if (!changedSince && !linkTyped && !offer) clearStore(); else writeStore();
      var fileInput = form.querySelector("input[type=file]");
      if (!(fileInput && fileInput.value) && !linkTyped) dirty = textDirty;
    } else if (body.signed_out) {
      textDirty = true;
      signedOut(body.error);
    } else if (body.csrf) {
      textDirty = true;
      say(body.error);
    } else if (body.errors) {
      // Retried once the learner changes the text.
      writeStore();
      say(body.error);
    } else if (body.unreadable) {
      textDirty = true;
      if (body.toLogin) signedOut(gettext("You are signed out, so your changes are not being saved. Your text is kept in this browser."));
      else say(gettext("Could not save automatically (the server had a problem). Your text is kept in this browser and saving will be tried again; you can also press Save draft."));
    } else {
      stopped = true;
      say(body.error + " " + gettext("Automatic saving is paused."));
    }
  }
  window.setInterval(autosave, parseInt(form.dataset.autosaveEvery || "15000", 10));
}
})();
