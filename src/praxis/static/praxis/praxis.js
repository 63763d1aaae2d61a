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

// The encounter's diagnosis search: a picked code fills its row and the list of matches closes.
document.addEventListener("click", (event) => {
  const pick = event.target.closest("[data-icd10-pick]");
  if (!pick) {
    return;
  }
  const slot = pick.dataset.icd10Slot;
  const input = document.getElementById(`id_dx-${slot}`);
  if (input) {
    input.value = pick.dataset.icd10Pick;
    input.focus();
  }
  const results = document.getElementById(`dx-${slot}-results`);
  if (results) {
    results.replaceChildren();
  }
});
