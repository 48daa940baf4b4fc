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

// Activity: the "Log interaction" form swapped into the dossier scrolls into view and takes
// the focus; [data-print] buttons print the page (the meeting preparation).
(function () {
  "use strict";
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail && event.detail.target;
    var slot = document.getElementById("interaction-form-slot");
    if (!slot || !(target instanceof Element) || target.id !== "interaction-form-slot") {
      return;
    }
    var field = slot.querySelector("form input:not([type=hidden]), form select");
    if (field) {
      slot.scrollIntoView({ behavior: "smooth", block: "start" });
      field.focus({ preventScroll: true });
    }
  });
  document.addEventListener("click", function (event) {
    var button = event.target instanceof Element ? event.target.closest("[data-print]") : null;
    if (button) {
      event.preventDefault();
      window.print();
    }
  });
})();

// Knowledge: copy a [[kb:<id>]] reference, or insert it at the cursor of the field the link
// picker serves (data-kb-target names the textarea's id).
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var el = event.target instanceof Element ? event.target : null;
    var copy = el ? el.closest("[data-copy]") : null;
    if (copy && navigator.clipboard) {
      event.preventDefault();
      navigator.clipboard.writeText(copy.dataset.copy).then(function () {
        if (copy.dataset.copied) { copy.textContent = copy.dataset.copied; }
      });
      return;
    }
    var insert = el ? el.closest("[data-kb-insert]") : null;
    if (!insert) { return; }
    event.preventDefault();
    var field = document.getElementById(insert.dataset.kbTarget || "");
    if (!field) { return; }
    var text = insert.dataset.kbInsert;
    var start = typeof field.selectionStart === "number" ? field.selectionStart : field.value.length;
    var end = typeof field.selectionEnd === "number" ? field.selectionEnd : start;
    var before = field.value.slice(0, start);
    var spacer = before && !/\s$/.test(before) ? " " : "";
    field.value = before + spacer + text + field.value.slice(end);
    var caret = start + spacer.length + text.length;
    field.focus();
    field.setSelectionRange(caret, caret);
    field.dispatchEvent(new Event("change", { bubbles: true }));
    var list = insert.closest(".kb-picker__results");
    if (list) { list.innerHTML = ""; }
  });
})();

// Calendar feed address: select it all on focus, so it is copied in one go.
(function () {
  "use strict";
  document.addEventListener("focusin", function (event) {
    var field = event.target;
    if (field instanceof HTMLInputElement && field.hasAttribute("data-select-on-focus")) {
      field.select();
    }
  });
})();

// Foundation: copy a secret shown once (a new API token) to the clipboard:
// <button data-copy="#new-token" data-copied="Copied">.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target instanceof Element ? event.target.closest("[data-copy]") : null;
    if (!button || !navigator.clipboard) {
      return;
    }
    var source = document.querySelector(button.dataset.copy);
    if (source) {
      navigator.clipboard.writeText(source.textContent.trim()).then(function () {
        button.textContent = button.dataset.copied || button.textContent;
      });
    }
  });
})();

// Languages: a <select data-autosubmit> (the language switch on the sign-in page) submits its
// form as soon as a language is chosen; without JavaScript its form keeps a submit button.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var select = event.target instanceof HTMLSelectElement ? event.target : null;
    if (select && select.hasAttribute("data-autosubmit") && select.form) {
      select.form.requestSubmit();
    }
  });
})();

// Navigation: the top bar's menus are <details data-menu> (they open and close without
// JavaScript); here only one is open at a time, and Escape, a click outside or moving the focus
// out of a drop-down closes it. The "Menu" link of narrow screens targets its panel (CSS shows
// it with :target); here it becomes a toggle button that keeps aria-expanded true to the panel.
(function () {
  "use strict";
  function openMenus() {
    return Array.prototype.slice.call(document.querySelectorAll("details[data-menu][open]"));
  }
  function close(menu, focusSummary) {
    menu.removeAttribute("open");
    if (focusSummary) {
      var summary = menu.querySelector("summary");
      if (summary) { summary.focus(); }
    }
  }
  function isDropDown(menu) {
    var list = menu.querySelector(".nav__menu");
    return list && window.getComputedStyle(list).position === "absolute";
  }
  document.addEventListener("toggle", function (event) {
    var menu = event.target;
    if (!(menu instanceof HTMLDetailsElement) || !menu.hasAttribute("data-menu") || !menu.open) {
      return;
    }
    openMenus().forEach(function (other) {
      if (other !== menu && !other.contains(menu)) { close(other, false); }
    });
  }, true);
  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    openMenus().forEach(function (menu) {
      if (!target || !menu.contains(target)) {
        if (isDropDown(menu)) { close(menu, false); }
      }
    });
  });
  document.addEventListener("focusout", function (event) {
    var menu = event.target instanceof Element ? event.target.closest("details[data-menu][open]") : null;
    var next = event.relatedTarget;
    if (menu && next instanceof Node && !menu.contains(next) && isDropDown(menu)) {
      close(menu, false);
    }
  });

  var toggle = document.querySelector(".nav-toggle");
  var panel = toggle ? document.getElementById(toggle.getAttribute("aria-controls")) : null;
  function setPanel(open, focusToggle) {
    panel.classList.toggle("is-open", open);
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    if (open) {
      // Unfold the section the page belongs to, so that its neighbours are one tap away.
      var current = panel.querySelector("details[data-menu] > summary[aria-current]");
      if (current) { current.parentElement.setAttribute("open", ""); }
    }
    if (focusToggle) { toggle.focus(); }
  }
  if (toggle && panel) {
    toggle.setAttribute("role", "button");
    toggle.setAttribute("aria-expanded", "false");
    toggle.addEventListener("click", function (event) {
      event.preventDefault();
      setPanel(!panel.classList.contains("is-open"), false);
    });
    toggle.addEventListener("keydown", function (event) {
      if (event.key === " ") {
        event.preventDefault();
        setPanel(!panel.classList.contains("is-open"), false);
      }
    });
  }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var target = event.target instanceof Element ? event.target : null;
    var menu = target ? target.closest("details[data-menu][open]") : null;
    if (menu) {
      event.preventDefault();
      close(menu, true);
      return;
    }
    var open = openMenus().filter(isDropDown);
    if (open.length) {
      open.forEach(function (m) { close(m, false); });
      return;
    }
    if (toggle && panel && panel.classList.contains("is-open") && target && panel.contains(target)) {
      setPanel(false, true);
    }
  });
})();
