// Small behaviours that the CSP forbids as inline handlers.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
