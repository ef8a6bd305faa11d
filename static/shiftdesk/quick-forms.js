// Quick-add forms (a form.quick posted with HTMX, e.g. a new action item): after a
// successful post the form is cleared for the next entry; a refused one shows the
// server's error fragment in the element whose id is the form's id + "-errors".
// A static file, so the Content-Security-Policy needs no inline script or eval.
document.addEventListener("htmx:afterRequest", (event) => {
  const form = event.detail.elt;
  if (!(form instanceof HTMLFormElement) || !form.classList.contains("quick")) return;
  const errors = form.id ? document.getElementById(`${form.id}-errors`) : null;
  if (event.detail.successful) {
    form.reset();
    if (errors) errors.replaceChildren();
  } else if (errors) {
    errors.innerHTML = event.detail.xhr.responseText;
  }
});
