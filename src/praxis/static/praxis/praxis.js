// Small behaviours that the CSP forbids as inline handlers.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
  // A link in a form's error summary puts the cursor in the field it names, not just in view.
  const fix = event.target.closest("#form-errors a[href^='#']");
  if (fix) {
    const field = document.getElementById(fix.getAttribute("href").slice(1));
    if (field) {
      event.preventDefault();
      field.focus();
      field.scrollIntoView({ block: "center" });
    }
  }
});
