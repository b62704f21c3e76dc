// A double click submits a form once: buttons marked data-once are disabled after the first submit.
// The server also refuses the second submit (intake token, state checks); this only spares the wait.
document.addEventListener("submit", function (ev) {
  var form = ev.target;
  if (form.dataset.submitted) { ev.preventDefault(); return; }
  form.dataset.submitted = "1";
  form.querySelectorAll("button[data-once]").forEach(function (b) {
    setTimeout(function () { b.disabled = true; }, 0);
  });
});
