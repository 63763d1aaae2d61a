// Small behaviours that the CSP forbids as inline handlers.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
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
