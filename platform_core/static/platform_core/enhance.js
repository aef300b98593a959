// Progressive enhancement of every page (included by platform_core/base.html). Without JavaScript each
// thing here still works: the error summary is at the top of the form, every conditional field shows with
// a hint saying when to fill it in, and the display preferences are a form that posts and comes back.
(function () {
  "use strict";

  // --- The error summary (platform_core/_error_summary.html) takes the focus, so that keyboard and
  // screen reader users start from the list of what to correct after a failed submit.
  function focusErrorSummary() {
    var summary = document.getElementById("error-summary");
    if (summary) summary.focus();
  }

  // --- Conditional fields (layout "show_when", platform_core/_field.html): the wrapper carries
  // data-show-when="<field name>" and data-show-equals="<value>". The server shows the field when
  // str(value) == str(equals), so a checkbox counts as "True" or "False", as Python prints a boolean.
  function currentValue(form, name) {
    var controls = Array.prototype.filter.call(form.elements, function (element) { return element.name === name; });
    if (!controls.length) return "";
    var first = controls[0];
    if (first.type === "checkbox" && controls.length === 1) return first.checked ? "True" : "False";
    if (first.type === "radio" || first.type === "checkbox") {
      for (var i = 0; i < controls.length; i++) if (controls[i].checked) return controls[i].value;
      return "";
    }
    return first.value;
  }

  function refreshConditions(form) {
    form.querySelectorAll("[data-show-when]").forEach(function (wrapper) {
      wrapper.hidden = currentValue(form, wrapper.dataset.showWhen) !== wrapper.dataset.showEquals;
      var hint = wrapper.querySelector(".condition");
      if (hint) hint.hidden = true;  // the condition is now visible in the form itself
    });
  }

  function refreshAllConditions() {
    document.querySelectorAll("form").forEach(function (form) {
      if (form.querySelector("[data-show-when]")) refreshConditions(form);
    });
  }

  // One listener for the whole document, so a form added to the page later is handled too.
  document.addEventListener("change", function (event) {
    var form = event.target && event.target.form;
    if (form && form.querySelector("[data-show-when]")) refreshConditions(form);
  });

  // --- Display preferences (the header's text size and contrast buttons, platform_core/display.py).
  // The same POST is sent in the background and the page changes in place, so a half-filled form keeps
  // what the resident typed. The server answers with a redirect that sets the cookies; it is not followed.
  var TEXT_SIZE = /^text-/;
  var CONTRAST = /^contrast-/;

  function applyPreference(form, name, value) {
    var body = document.body;
    var pattern = name === "text_size" ? TEXT_SIZE : CONTRAST;
    Array.prototype.slice.call(body.classList).forEach(function (cls) {
      if (pattern.test(cls)) body.classList.remove(cls);
    });
    body.classList.add((name === "text_size" ? "text-" : "contrast-") + value);
    form.querySelectorAll('button[name="' + name + '"]').forEach(function (button) {
      if (name === "text_size") {
        button.setAttribute("aria-pressed", button.value === value ? "true" : "false");
      } else {  // one toggle button: pressed when contrast is high, and its next click switches back
        button.setAttribute("aria-pressed", value === "high" ? "true" : "false");
        button.value = value === "high" ? "normal" : "high";
      }
    });
  }

  function submitWithoutScript(form, name, value) {
    // The background request failed: send the form the ordinary way (the page reloads).
    var chosen = document.createElement("input");
    chosen.type = "hidden";
    chosen.name = name;
    chosen.value = value;
    form.appendChild(chosen);
    HTMLFormElement.prototype.submit.call(form);
  }

  function enhanceDisplayPreferences(form) {
    if (!window.fetch || !window.FormData) return;
    form.addEventListener("submit", function (event) {
      var button = event.submitter;
      if (!button || !button.name) return;  // not one of the buttons: let the browser submit
      event.preventDefault();
      if (form.dataset.busy) return;  // one change at a time
      form.dataset.busy = "true";
      var name = button.name;
      var value = button.value;
      var data = new FormData(form);  // holds the CSRF token and "next"
      data.append(name, value);
      fetch(form.action, {method: "POST", body: data, credentials: "same-origin", redirect: "manual"})
        .then(function (response) {
          // A redirect is the success answer (opaque with redirect: "manual"); anything else is a failure.
          if (response.type !== "opaqueredirect" && !response.ok) throw new Error("HTTP " + response.status);
          applyPreference(form, name, value);
        })
        .catch(function () { submitWithoutScript(form, name, value); })
        .then(function () { delete form.dataset.busy; });
    });
  }

  // --- The language switch reloads the page in the other language. Live search changes the address
  // without reloading (hx-push-url), so "next" is taken from the address shown when the form is sent.
  function keepNextCurrent(form) {
    var next = form.querySelector('input[name="next"]');
    if (!next) return;
    form.addEventListener("submit", function () {
      next.value = window.location.pathname + window.location.search;
    });
  }

  function start() {
    document.querySelectorAll("form.display-preferences").forEach(function (form) {
      keepNextCurrent(form);
      enhanceDisplayPreferences(form);
    });
    document.querySelectorAll("form.language").forEach(keepNextCurrent);
    refreshAllConditions();
    focusErrorSummary();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
