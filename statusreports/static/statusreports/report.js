/* The status report summary's autosave (the form also works as a plain post without this).
 * - Saves 1.5 s after you stop typing and when you leave the field; each save is the
 *   form's POST with `X-Autosave: 1` and the version it was typed on.
 * - Every change is also kept in localStorage until a save answers that it is stored;
 *   on load, a kept copy that differs from the page (a reload before the save, a lost
 *   connection, a server error) is put back into the field and saved.
 * - 409: the stored text is shown and autosave stops; your text stays in the field, and
 *   saving again (on the stored version) keeps yours. 400: the message at the field.
 *   Any other failure: "not saved, kept in this browser", retried every 5 s.
 * - The form's data-state is "saved", "dirty", "saving", "conflict" or "error".
 */
(function () {
  "use strict";
  var PAUSE = 1500;
  var RETRY = 5000;
  var form = document.getElementById("summary-form");
  if (!form) { return; }
  var text = form.elements.namedItem("summary");
  var versionField = form.elements.namedItem("version");
  var storeKey = "shiftdesk:statusreport:" + form.dataset.report;
  var timer = null;
  var inFlight = false;
  var again = false;

  function setState(state) { form.dataset.state = state; }
  function status(message, failed) {
    var el = document.getElementById("autosave-status");
    el.textContent = message;
    el.classList.toggle("error", Boolean(failed));
  }
  function keep() {
    try {
      window.localStorage.setItem(storeKey, JSON.stringify({ version: versionField.value, summary: text.value }));
    } catch (e) { /* storage full or disabled: the server copy is all there is */ }
  }
  function drop() { try { window.localStorage.removeItem(storeKey); } catch (e) { /* nothing kept */ } }
  function kept() {
    try { return JSON.parse(window.localStorage.getItem(storeKey) || "null"); } catch (e) { return null; }
  }

  function save() {
    if (form.dataset.state === "conflict") { return; }
    if (inFlight) { again = true; return; }
    inFlight = true;
    setState("saving");
    var sent = text.value;
    fetch(window.location.pathname, {
      method: "POST",
      body: new FormData(form),
      headers: { "X-Autosave": "1" },
      credentials: "same-origin"
    }).then(function (response) {
      return response.json().then(function (body) { return { code: response.status, body: body }; });
    }).then(function (answer) {
      if (answer.code === 200) {
        versionField.value = String(answer.body.version);
        if (text.value === sent) { drop(); setState("saved"); } else { keep(); setState("dirty"); again = true; }
        status("Saved (version " + answer.body.version + ").");
      } else if (answer.code === 409) {
        versionField.value = String(answer.body.version);
        document.getElementById("js-conflict-text").textContent = answer.body.current.summary || "(empty)";
        document.getElementById("js-conflict").hidden = false;
        setState("conflict");
        status("Not saved: someone else saved first. Save to keep yours.", true);
      } else if (answer.code === 400) {
        setState("error");
        status("Not saved: " + Object.values(answer.body.errors || {}).join(" "), true);
      } else {
        throw new Error("HTTP " + answer.code);
      }
    }).catch(function () {
      setState("error");
      status("Not saved, kept in this browser; retrying.", true);
      window.setTimeout(save, RETRY);
    }).finally(function () {
      inFlight = false;
      if (again) { again = false; save(); }
    });
  }

  var copy = kept();
  if (copy && typeof copy.summary === "string" && copy.summary !== text.value) {
    text.value = copy.summary;
    if (copy.version) { versionField.value = copy.version; }
    status("Put back what this browser kept; saving it.");
    save();
  } else {
    drop();
    setState("saved");
  }
  text.addEventListener("input", function () {
    keep();
    setState("dirty");
    window.clearTimeout(timer);
    timer = window.setTimeout(save, PAUSE);
  });
  text.addEventListener("blur", function () {
    if (form.dataset.state === "dirty") { window.clearTimeout(timer); save(); }
  });
  form.addEventListener("submit", function () { window.clearTimeout(timer); });
})();
