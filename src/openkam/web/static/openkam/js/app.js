// Small behaviours that need no framework; loaded with the CSP nonce-free `src` attribute.
(function () {
  "use strict";

  // Confirm destructive actions: <form data-confirm="Delete X?">.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.dataset.confirm) {
      if (!window.confirm(form.dataset.confirm)) {
        event.preventDefault();
      }
    }
  }, true);

  // Picker: a result button carries the id and label to put into the picker's hidden input.
  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target.closest("[data-pick-value]") : null;
    if (target) {
      event.preventDefault();
      var picker = target.closest(".picker");
      picker.querySelector("input[type=hidden]").value = target.dataset.pickValue;
      picker.querySelector(".picker__label").textContent = target.dataset.pickLabel;
      picker.querySelector(".picker__results").innerHTML = "";
      var search = picker.querySelector("input[type=search]");
      search.value = "";
      picker.querySelector("input[type=hidden]").dispatchEvent(new Event("change", { bubbles: true }));
      return;
    }
    var clear = event.target instanceof Element ? event.target.closest("[data-pick-clear]") : null;
    if (clear) {
      event.preventDefault();
      var box = clear.closest(".picker");
      box.querySelector("input[type=hidden]").value = "";
      box.querySelector(".picker__label").textContent = clear.dataset.pickClear;
      box.querySelector("input[type=hidden]").dispatchEvent(new Event("change", { bubbles: true }));
    }
  });

  // htmx sends the CSRF token on every unsafe request.
  document.addEventListener("htmx:configRequest", function (event) {
    var token = document.querySelector("meta[name=csrf-token]");
    if (token) {
      event.detail.headers["X-CSRFToken"] = token.content;
    }
  });
})();
