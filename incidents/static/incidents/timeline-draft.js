/* The incident page's timeline box keeps what was typed in it.
 * Without JavaScript, every button of the page posts the box along (it is one form) and
 * the server puts the text back. This adds a copy in the browser (localStorage, per
 * person and incident) for what was typed but not posted yet: after a reload, or a link
 * followed, the text is put back, with a button to discard it. The copy goes when the
 * server confirms the entry was saved (the form comes back marked data-entry-saved).
 * A refused entry (400) is shown with its error, the text still in the box, and Enter in
 * a card's one-line field uses that card's button.
 */
(function () {
  "use strict";
  var PREFIX = "shiftdesk:timeline-draft:";

  function form() { return document.getElementById("entry-form"); }
  function box(entryForm) { return entryForm && entryForm.querySelector("textarea[name=body]"); }
  function key(entryForm) { return PREFIX + entryForm.dataset.draftKey; }

  function stored(entryForm) {
    try { return window.localStorage.getItem(key(entryForm)) || ""; } catch (error) { return ""; }
  }
  function store(entryForm, text) {
    try {
      if (text.trim()) { window.localStorage.setItem(key(entryForm), text); }
      else { window.localStorage.removeItem(key(entryForm)); }
    } catch (error) { /* storage full or disabled: the server-side draft still works */ }
  }

  function offerBack(entryForm, textarea, text) {
    var serverText = textarea.value;
    textarea.value = text;
    var note = document.createElement("p");
    note.className = "muted draft-note";
    note.setAttribute("role", "status");
    note.textContent = "Your unsaved text is back in the box. ";
    var discard = document.createElement("button");
    discard.type = "button";
    discard.textContent = "Discard it";
    discard.addEventListener("click", function () {
      textarea.value = serverText;
      store(entryForm, serverText);
      note.remove();
      textarea.focus();
    });
    note.appendChild(discard);
    textarea.insertAdjacentElement("afterend", note);
  }

  function setUp() {
    var entryForm = form();
    var textarea = box(entryForm);
    if (!textarea) { return; }
    if (entryForm.hasAttribute("data-entry-saved")) {
      store(entryForm, "");
      return;
    }
    // The copy is at least as new as the server's draft: every post of the box was typed
    // here first. (Discarding it goes back to what the server had.)
    var copy = stored(entryForm);
    if (copy && copy !== textarea.value) {
      offerBack(entryForm, textarea, copy);
    } else {
      store(entryForm, textarea.value);
    }
  }

  document.addEventListener("input", function (event) {
    var entryForm = form();
    if (entryForm && event.target === box(entryForm)) { store(entryForm, event.target.value); }
  });

  // Enter in a one-line field of the status, handover, action-item or link card uses that
  // card's button (the form's default button is the timeline's "Add entry").
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key !== "Enter" || target.tagName !== "INPUT") { return; }
    if (target.getAttribute("form") !== "entry-form") { return; }
    var card = target.closest("section");
    var button = card && card.querySelector("button[formaction]");
    if (button) {
      event.preventDefault();
      button.click();
    }
  });

  // Show a refused entry with its error instead of dropping the answer.
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr.status === 400 && event.detail.target.id === "timeline") {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  document.addEventListener("htmx:load", function (event) {
    if (event.detail.elt.id === "timeline") { setUp(); }  // the timeline, swapped in anew
  });

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", setUp); }
  else { setUp(); }
})();
