// Progressive enhancement of forms (shared_services/eforms): a field shown only under a condition is hidden
// until the condition holds. Without JavaScript every field shows, with a hint saying when to fill it in;
// the server ignores answers to hidden fields either way.
(function () {
  "use strict";
  function currentValue(form, name) {
    var checked = form.querySelector('[name="' + name + '"]:checked');
    if (checked) return checked.value;
    var control = form.querySelector('[name="' + name + '"]:not([type="radio"])');
    return control ? control.value : "";
  }
  function refresh(form) {
    form.querySelectorAll("[data-show-when]").forEach(function (wrapper) {
      var shown = currentValue(form, wrapper.dataset.showWhen) === wrapper.dataset.showEquals;
      wrapper.hidden = !shown;
      var hint = wrapper.querySelector(".condition");
      if (hint) hint.hidden = true;  // the condition is now visible in the form itself
    });
  }
  document.querySelectorAll("form").forEach(function (form) {
    if (!form.querySelector("[data-show-when]")) return;
    form.addEventListener("change", function () { refresh(form); });
    refresh(form);
  });
})();
