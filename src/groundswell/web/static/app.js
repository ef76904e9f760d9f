// groundswell: behaviour shared by every page. No inline scripts (the CSP forbids them).
(function () {
  "use strict";
  // Errors from HTMX requests go to the page's alert region instead of being swallowed.
  document.addEventListener("htmx:responseError", function (event) {
    var region = document.getElementById("alerts");
    if (region) { region.textContent = event.detail.xhr.responseText || ("Request failed: " + event.detail.xhr.status); }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var region = document.getElementById("alerts");
    if (region && event.detail.successful) { region.textContent = ""; }
  });
  // Keyboard shortcuts: any element with data-shortcut="k" is clicked (or focused, for inputs) on that key,
  // unless the user is typing in a field. "?" lists them.
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) {
      if (event.key === "Escape") { target.blur(); }
      return;
    }
    if (event.key === "?") {
      var help = document.getElementById("shortcuts");
      if (help) { help.hidden = !help.hidden; }
      return;
    }
    var element = document.querySelector('[data-shortcut="' + CSS.escape(event.key) + '"]');
    if (!element) { return; }
    event.preventDefault();
    if (/^(INPUT|TEXTAREA|SELECT)$/.test(element.tagName)) { element.focus(); } else { element.click(); }
  });
  window.groundswell = window.groundswell || {};
})();
