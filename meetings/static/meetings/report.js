/* The live report editor, on top of HTMX (loaded by base.html).
 * - Enter in a topic title adds the next topic; Enter in a new action item adds it;
 *   Enter elsewhere in a one-line field saves now (no accidental full submit).
 * - Ctrl/Cmd+S saves now.
 * - A 409 (conflict) or 400 (bad value) answer is shown, not dropped.
 * - The form's data-state is "saved", "dirty" (typed, not sent yet), "saving" or
 *   "error"; the status strip follows it, and leaving the page with unsaved text asks
 *   first.
 * Autosave never creates action items: only a new item's Add button (or Enter) does.
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

  function form() { return document.getElementById("report-form"); }
  function setState(state) { var editor = form(); if (editor) { editor.dataset.state = state; } }
  function getState() { var editor = form(); return editor ? editor.dataset.state : "saved"; }
  function message(text, failed) {
    var el = document.getElementById("save-state");
    if (!el) { return; }
    el.textContent = text;
    el.classList.toggle("error", Boolean(failed));
  }

  document.addEventListener("input", function (event) {
    var editor = form();
    if (editor && editor.contains(event.target) && !event.target.hasAttribute("data-no-autosave")) {
      setState("dirty");
    }
  });

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var editor = form();
    if (!editor || !editor.contains(target)) { return; }
    if ((event.ctrlKey || event.metaKey) && event.key === "s") {
      event.preventDefault();
      htmx.trigger(editor, "autosave-now");
      return;
    }
    if (event.key !== "Enter" || event.shiftKey || event.altKey || target.tagName !== "INPUT") { return; }
    if (target.type === "checkbox" || target.type === "submit") { return; }
    event.preventDefault();
    var action = target.getAttribute("data-enter");
    var button = action ? document.getElementById(action) : null;
    if (button) { button.click(); } else { htmx.trigger(editor, "autosave-now"); }
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    if (event.detail.elt.id === "report-form") {
      setState("saving");
      message("Saving…", false);
    }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.elt.id !== "report-form") { return; }
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    // Typing during the request left the state "dirty": the next autosave sends it.
    if (getState() === "saving") { setState(status === 200 ? "saved" : "error"); }
  });
  document.addEventListener("htmx:sendError", function () {
    setState("error");
    message("Not saved: the server cannot be reached. Keep this page open; it retries on your next change.", true);
  });
  document.addEventListener("htmx:responseError", function (event) {
    setState("error");
    message("Not saved (error " + event.detail.xhr.status + "). Keep this page open and try again.", true);
  });
  window.addEventListener("beforeunload", function (event) {
    var state = getState();
    if (state === "dirty" || state === "saving" || state === "error") {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();
