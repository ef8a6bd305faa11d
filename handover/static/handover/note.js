/* The handover note's autosave (the form also works as a plain post without this).
 * - Saves 1.5 s after you stop typing, at once when you leave a field and on Ctrl/Cmd+S;
 *   each save is the form's POST with `X-Autosave: 1` and the version it was typed on.
 * - A local copy: every change is kept in localStorage (per note) until a save answers
 *   that it is stored. On load, a copy that differs from the page (a crash, a reload, a
 *   lost connection, a server error) is offered back: "Put it back" fills the fields and
 *   saves (on the version it was typed on, so a newer save by someone else is a
 *   conflict, not an overwrite); "Discard it" drops it.
 * - 409: the conflict box shows the stored text; "Save mine over theirs" saves yours on
 *   the stored version, "Take theirs" replaces yours. Autosave waits until you choose.
 * - 400: each refused value is marked at its field. Any other failure: "not saved, kept
 *   in this browser", retried every 5 s.
 * - The form's data-state is "saved", "dirty", "saving", "conflict" or "error"; leaving
 *   the page with unsaved text asks first.
 */
(function () {
  "use strict";
  var PAUSE = 1500;
  var RETRY = 5000;
  var FIELDS = ["ongoing_debugging", "watch_out_for", "next_week"];
  var form = document.getElementById("note-form");
  if (!form) { return; }
  var storeKey = "shiftdesk:handover:" + form.dataset.note;
  var timer = null;
  var inFlight = false;
  var again = false;
  var conflictVersion = null;

  function field(name) { return form.elements.namedItem(name); }
  function values() {
    var out = {};
    FIELDS.forEach(function (name) { out[name] = field(name).value; });
    return out;
  }
  function version() { return parseInt(field("version").value, 10); }
  function setVersion(value) { field("version").value = String(value); form.dataset.version = String(value); }
  function setState(state) { form.dataset.state = state; }
  function status(text, failed) {
    var el = document.getElementById("autosave-status");
    el.textContent = text;
    el.classList.toggle("error", Boolean(failed));
  }
  function same(a, b) { return FIELDS.every(function (name) { return a[name] === b[name]; }); }

  // --- the local copy ---------------------------------------------------------------
  function local() {
    try { return JSON.parse(window.localStorage.getItem(storeKey) || "null"); } catch (e) { return null; }
  }
  function keep() {
    try {
      window.localStorage.setItem(storeKey, JSON.stringify({ version: version(), fields: values(), at: Date.now() }));
    } catch (e) { /* storage full or disabled: the server copy is all there is */ }
  }
  function drop() { try { window.localStorage.removeItem(storeKey); } catch (e) { /* nothing kept */ } }

  function offerBack() {
    var copy = local();
    if (!copy || !copy.fields) { return; }
    if (same(copy.fields, values())) { drop(); return; }
    document.getElementById("restore-when").textContent = "typed " + new Date(copy.at).toLocaleString();
    document.getElementById("restore").hidden = false;
    document.getElementById("restore-yes").addEventListener("click", function () {
      FIELDS.forEach(function (name) { if (name in copy.fields) { field(name).value = copy.fields[name]; } });
      if (copy.version) { setVersion(copy.version); }
      document.getElementById("restore").hidden = true;
      keep();
      setState("dirty");
      save();
    });
    document.getElementById("restore-no").addEventListener("click", function () {
      drop();
      document.getElementById("restore").hidden = true;
    });
  }

  // --- field errors and the conflict box ----------------------------------------------
  function markErrors(errors) {
    form.querySelectorAll(".error.autosave").forEach(function (el) { el.remove(); });
    Object.keys(errors || {}).forEach(function (name) {
      var el = field(name);
      var box = el && el.closest ? el.closest(".field") : null;
      var note = document.createElement("div");
      note.className = "error autosave";
      note.textContent = [].concat(errors[name]).join(" ");
      (box || form).appendChild(note);
    });
  }
  function showConflict(body) {
    conflictVersion = body.version;
    var list = document.getElementById("js-conflict-values");
    list.textContent = "";
    FIELDS.forEach(function (name) {
      var label = form.querySelector("label[for='id_" + name + "']");
      var heading = document.createElement("h3");
      heading.textContent = label ? label.textContent : name;
      var pre = document.createElement("pre");
      pre.className = "stored";
      pre.dataset.field = name;
      pre.textContent = body.current[name] || "(empty)";
      pre.dataset.value = body.current[name] || "";
      list.appendChild(heading);
      list.appendChild(pre);
    });
    document.getElementById("js-conflict").hidden = false;
    setState("conflict");
    status("Not saved: someone else saved this note. Your text is kept here and in this browser.", true);
  }
  function hideConflict() { document.getElementById("js-conflict").hidden = true; conflictVersion = null; }
  document.getElementById("keep-mine").addEventListener("click", function () {
    setVersion(conflictVersion);
    hideConflict();
    keep();
    setState("dirty");
    save();
  });
  document.getElementById("take-theirs").addEventListener("click", function () {
    document.querySelectorAll("#js-conflict-values pre").forEach(function (pre) {
      field(pre.dataset.field).value = pre.dataset.value;
    });
    setVersion(conflictVersion);
    hideConflict();
    drop();
    setState("saved");
    status("Took the stored text (version " + version() + ").");
  });

  // --- saving -------------------------------------------------------------------------
  function save() {
    window.clearTimeout(timer);
    if (form.dataset.state === "conflict") { return; }
    if (inFlight) { again = true; return; }
    var sent = values();
    inFlight = true;
    setState("saving");
    status("Saving…");
    fetch(window.location.href, {
      method: "POST",
      body: new FormData(form),
      headers: { "X-Autosave": "1" },
      credentials: "same-origin",
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        return { code: response.status, body: body };
      });
    }).then(function (answer) {
      inFlight = false;
      if (answer.code === 200) {
        setVersion(answer.body.version);
        markErrors({});
        if (same(sent, values())) {
          drop();
          setState("saved");
        } else {
          keep();
          setState("dirty");
          again = true;
        }
        status("Saved at " + new Date().toLocaleTimeString() + " (version " + answer.body.version + ").");
      } else if (answer.code === 409) {
        showConflict(answer.body);
      } else if (answer.code === 400) {
        setState("error");
        markErrors(answer.body.errors);
        status("Not saved: see the marked field. Your text is kept in this browser.", true);
      } else {
        throw new Error("HTTP " + answer.code);
      }
      if (again) { again = false; save(); }
    }).catch(function () {
      inFlight = false;
      setState("error");
      status("Not saved (connection or server problem): kept in this browser, retrying…", true);
      timer = window.setTimeout(save, RETRY);
    });
  }

  form.addEventListener("input", function (event) {
    if (FIELDS.indexOf(event.target.name) < 0) { return; }
    keep();
    if (form.dataset.state !== "conflict") { setState("dirty"); }
    window.clearTimeout(timer);
    timer = window.setTimeout(save, PAUSE);
  });
  form.addEventListener("focusout", function (event) {
    if (FIELDS.indexOf(event.target.name) >= 0 && form.dataset.state === "dirty") { save(); }
  });
  form.addEventListener("keydown", function (event) {
    if ((event.ctrlKey || event.metaKey) && event.key === "s") { event.preventDefault(); save(); }
  });
  var submitting = false;
  form.addEventListener("submit", function () { keep(); submitting = true; });
  window.addEventListener("beforeunload", function (event) {
    var state = form.dataset.state;
    if (submitting) { return; }
    if (state === "dirty" || state === "saving" || state === "error" || state === "conflict") {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  setState("saved");
  offerBack();
}());
