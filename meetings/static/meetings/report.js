/* The live report editor, on top of HTMX (loaded by base.html).
 * - Enter in a topic title adds the next topic; Enter in a new action item adds it;
 *   Enter elsewhere in a one-line field saves now (no accidental full submit).
 * - Ctrl/Cmd+S saves now.
 * - A 409 (conflict) or 400 (bad value) answer is shown, not dropped.
 * - The save state says "Saving…" while a save is in flight and warns when it failed.
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
  function state(text, failed) {
    var el = document.getElementById("save-state");
    if (!el) { return; }
    el.textContent = text;
    el.classList.toggle("error", Boolean(failed));
  }

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
    if (event.detail.elt.id === "report-form") { state("Saving…", false); }
  });
  document.addEventListener("htmx:sendError", function () {
    state("Not saved: the server cannot be reached. Keep this page open; it retries on your next change.", true);
  });
  document.addEventListener("htmx:responseError", function (event) {
    state("Not saved (error " + event.detail.xhr.status + "). Keep this page open and try again.", true);
  });
})();
