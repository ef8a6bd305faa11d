/* The live report editor, on top of HTMX (loaded by base.html).
 * - Saves 1.5 s after you stop typing, at once when you leave a field (Tab, click), on
 *   Enter in a one-line field and on Ctrl/Cmd+S; after a failed save it retries.
 * - Enter in a topic title adds the next topic; Enter in any field of the new action
 *   item row adds the item (autosave already saves a filled-in row: the row's key makes
 *   that idempotent).
 * - A local copy: every change is kept in localStorage (per report, per field) until a
 *   save answers that it is stored. On load, anything still there (a crash, a reload,
 *   a lost connection, a server error) is put back into its field, saved, and a bar
 *   says so ("Discard" drops the copy and reloads the stored report).
 * - Values the server did not take are marked at their field (the `editor-saved`
 *   event); a date the browser cannot read is sent as such, so the stored one stays.
 * - An autosave sends only the parts that changed, with the versions of all of them.
 * - The form's data-state is "saved", "dirty" (typed, not sent yet), "saving",
 *   "invalid" (saved, but some values were refused) or "error"; leaving the page with
 *   unsaved text asks first.
 */
(function () {
  "use strict";
  htmx.config.responseHandling = [
    { code: "204", swap: false },
    { code: "[23]..", swap: true },
    { code: "409", swap: true, error: false },
    { code: "400", swap: true, error: false },
    { code: "[45]..", swap: false, error: true },
  ];
  var PAUSE = 1500;
  var RETRY = 5000;
  var timer = null;
  var sending = null; // the local copy as it was when the last request left

  function form() { return document.getElementById("report-form"); }
  function setState(state) { var editor = form(); if (editor) { editor.dataset.state = state; } }
  function getState() { var editor = form(); return editor ? editor.dataset.state : "saved"; }
  function message(text, failed) {
    var el = document.getElementById("save-state");
    if (!el) { return; }
    el.textContent = text;
    el.classList.toggle("error", Boolean(failed));
  }
  function isField(el) {
    var editor = form();
    return Boolean(editor && el && el.name && editor.contains(el) && el.type !== "hidden" &&
      el.type !== "submit" && el.type !== "button" && el.name !== "action");
  }
  function valueOf(el) { return el.type === "checkbox" ? (el.checked ? "on" : "") : el.value; }
  function putValue(el, value) { if (el.type === "checkbox") { el.checked = value === "on"; } else { el.value = value; } }

  // --- the local copy ---------------------------------------------------------------
  function storeKey() { var editor = form(); return editor ? "shiftdesk:report:" + editor.dataset.report : null; }
  function local() {
    try { return JSON.parse(window.localStorage.getItem(storeKey()) || "{}") || {}; } catch (e) { return {}; }
  }
  function keep(copy) {
    try {
      if (Object.keys(copy).length) { window.localStorage.setItem(storeKey(), JSON.stringify(copy)); }
      else { window.localStorage.removeItem(storeKey()); }
    } catch (e) { /* storage full or disabled: the server copy is all there is */ }
  }
  function remember(el) {
    var copy = local();
    copy[el.name] = { v: valueOf(el), at: Date.now() };
    var row = el.closest("tr.new-item");
    var key = row ? row.querySelector("input[name$='-new-key']") : null;
    if (key) { copy[key.name] = { v: key.value, at: Date.now() }; } // the row's identity
    keep(copy);
  }
  function confirmSaved(errors) {
    // Drop what the answered request carried, unless it changed since or was refused.
    if (!sending) { return; }
    var copy = local();
    Object.keys(sending).forEach(function (name) {
      if (copy[name] && copy[name].v === sending[name].v && !(errors && errors[name])) { delete copy[name]; }
    });
    var keyOnly = Object.keys(copy).every(function (name) { return /-new-key$/.test(name); });
    keep(keyOnly ? {} : copy);
    sending = null;
  }
  function restore() {
    var editor = form();
    var copy = local();
    var restored = false;
    var oldest = null;
    Object.keys(copy).forEach(function (name) {
      var el = editor.elements.namedItem(name);
      if (!el || el.length) { delete copy[name]; return; } // its part was removed
      if (valueOf(el) === copy[name].v) { if (el.type !== "hidden") { delete copy[name]; } return; }
      putValue(el, copy[name].v);
      if (el.type !== "hidden") {
        restored = true;
        oldest = oldest === null ? copy[name].at : Math.min(oldest, copy[name].at);
      }
    });
    keep(restored ? copy : {});
    if (!restored) { return; }
    var bar = document.getElementById("local-copy");
    document.getElementById("local-copy-text").textContent =
      "Unsaved text from " + new Date(oldest).toLocaleString() + " was restored —";
    bar.hidden = false;
    setState("dirty");
    saveNow();
  }
  document.addEventListener("click", function (event) {
    if (event.target.id !== "local-copy-discard") { return; }
    keep({});
    setState("saved");
    window.location.reload();
  });

  // --- when to save ------------------------------------------------------------------
  function saveNow() {
    window.clearTimeout(timer);
    var editor = form();
    if (editor) { htmx.trigger(editor, "autosave-now"); }
  }
  function changed(event) {
    if (!isField(event.target)) { return; }
    remember(event.target);
    setState("dirty");
    window.clearTimeout(timer);
    timer = window.setTimeout(saveNow, PAUSE);
  }
  document.addEventListener("input", changed);
  document.addEventListener("change", changed);
  document.addEventListener("focusout", function (event) {
    if (isField(event.target) && getState() === "dirty") { saveNow(); }
  });

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var editor = form();
    if (!editor || !editor.contains(target)) { return; }
    if ((event.ctrlKey || event.metaKey) && event.key === "s") {
      event.preventDefault();
      saveNow();
      return;
    }
    if (event.key !== "Enter" || event.shiftKey || event.altKey) { return; }
    if (target.tagName !== "INPUT" && target.tagName !== "SELECT") { return; }
    var action = target.getAttribute("data-enter");
    if (target.type === "submit" || (target.type === "checkbox" && !action)) { return; }
    event.preventDefault();
    var button = action ? document.getElementById(action) : null;
    if (button) { window.clearTimeout(timer); button.click(); } else { saveNow(); }
  });

  // --- requests and answers ------------------------------------------------------------
  // An autosave sends only the parts with unsaved changes (the header; a topic whole, with
  // its action items) and the loaded version of every other part, so the answer still
  // says which changed elsewhere. The buttons (add, remove, save, publish) send it all.
  function unitOf(name, itemTopics) {
    if (name === "attendees" || name === "notes" || name === "version" || name === "base") { return "report"; }
    var match = /^topic-(\d+)-/.exec(name);
    if (match) { return "topic-" + match[1]; }
    match = /^item-(\d+)-/.exec(name);
    return match && itemTopics[match[1]] ? "topic-" + itemTopics[match[1]] : null; // null: always sent
  }
  function onlyChanged(formData, copy) {
    var itemTopics = {};
    form().querySelectorAll("input[type=hidden][name^='topic-'][name$='-item']").forEach(function (el) {
      itemTopics[el.value] = el.name.split("-")[1];
    });
    var dirty = {};
    Object.keys(copy).forEach(function (name) { dirty[unitOf(name, itemTopics)] = true; });
    var names = [];
    formData.forEach(function (value, name) { if (names.indexOf(name) < 0) { names.push(name); } });
    names.forEach(function (name) {
      if (name === "topic") {
        var kept = formData.getAll(name).filter(function (id) { return dirty["topic-" + id]; });
        formData.delete(name);
        kept.forEach(function (id) { formData.append(name, id); });
        return;
      }
      var unit = unitOf(name, itemTopics);
      if (unit && !dirty[unit] && !/(^|-)version$/.test(name)) { formData.delete(name); }
    });
  }
  function fromEditor(elt) { var editor = form(); return Boolean(editor && (elt === editor || editor.contains(elt))); }
  document.addEventListener("htmx:configRequest", function (event) {
    if (!fromEditor(event.detail.elt)) { return; }
    sending = local();
    if (event.detail.elt === form()) { onlyChanged(event.detail.formData, sending); }
    // A date the browser cannot read is posted empty: say so instead (the stored one stays).
    form().querySelectorAll("input[type=date]").forEach(function (el) {
      if (el.validity.badInput) { event.detail.parameters[el.name] = "incomplete date"; }
    });
  });
  document.addEventListener("htmx:beforeRequest", function (event) {
    if (event.detail.elt.id === "report-form") {
      setState("saving");
      message("Saving…", false);
    }
  });
  var refused = {};
  document.addEventListener("editor-saved", function (event) { refused = event.detail.errors || {}; });
  function showErrors(errors) {
    var editor = form();
    editor.querySelectorAll(".field-error").forEach(function (el) { el.remove(); });
    editor.querySelectorAll("[aria-invalid]").forEach(function (el) {
      el.removeAttribute("aria-invalid");
      el.removeAttribute("aria-describedby");
    });
    Object.keys(errors).forEach(function (name) {
      var el = editor.elements.namedItem(name);
      if (!el || el.length) { return; }
      var note = document.createElement("span");
      note.className = "error field-error";
      note.id = name + "-error";
      note.dataset.for = name;
      note.textContent = errors[name];
      el.insertAdjacentElement("afterend", note);
      el.setAttribute("aria-invalid", "true");
      el.setAttribute("aria-describedby", note.id);
    });
  }
  document.addEventListener("htmx:afterRequest", function (event) {
    if (!sending) { return; } // not the editor's (a re-rendering button may be gone by now)
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    if (status === 200 || status === 400 || status === 409) {
      var errors = refused;
      refused = {};
      if (status !== 400 || Object.keys(errors).length) { confirmSaved(errors); }
      if (form() && event.detail.elt.id === "report-form") { showErrors(errors); }
      if (getState() === "saving") {
        setState(status === 200 ? (Object.keys(errors).length ? "invalid" : "saved") : "error");
      }
    } else {
      sending = null;
    }
  });
  function retryLater() {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () { if (getState() === "error") { saveNow(); } }, RETRY);
  }
  document.addEventListener("htmx:sendError", function () {
    setState("error");
    message("Not saved: the server cannot be reached. Your text is kept in this browser; saving again shortly.", true);
    retryLater();
  });
  document.addEventListener("htmx:responseError", function (event) {
    setState("error");
    message("Not saved (error " + event.detail.xhr.status + "). Your text is kept in this browser; saving again shortly.", true);
    retryLater();
  });
  window.addEventListener("beforeunload", function (event) {
    var state = getState();
    var copy = form() ? local() : {};
    if (state === "dirty" || state === "saving" || state === "error" || Object.keys(copy).length) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // After htmx has set up the page: its DOMContentLoaded handler was added first (this
  // deferred script runs before that event).
  function start() { if (form()) { restore(); } }
  if (document.readyState === "complete") { start(); } else { document.addEventListener("DOMContentLoaded", start); }
})();
