// Inbox keyboard navigation: j/k move between cases, o or Enter opens the selected one. The selection follows
// focus (each row's case link), so it is visible and survives the rows being refreshed by polling.
(function () {
  "use strict";
  var selectedId = null;

  function rows() { return Array.prototype.slice.call(document.querySelectorAll("#inbox-rows tr[data-case-id]")); }

  function select(row) {
    rows().forEach(function (r) { r.classList.remove("selected"); r.removeAttribute("aria-selected"); });
    if (!row) { return; }
    row.classList.add("selected");
    row.setAttribute("aria-selected", "true");
    selectedId = row.getAttribute("data-case-id");
    var link = row.querySelector("a.case-link");
    if (link) { link.focus(); }
  }

  function move(step) {
    var all = rows();
    if (!all.length) { return; }
    var index = all.findIndex(function (r) { return r.getAttribute("data-case-id") === selectedId; });
    var next = index < 0 ? 0 : Math.min(Math.max(index + step, 0), all.length - 1);
    select(all[next]);
    all[next].scrollIntoView({ block: "nearest" });
  }

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) { return; }
    if (!document.getElementById("inbox-rows")) { return; }
    if (event.key === "j") { event.preventDefault(); move(1); }
    else if (event.key === "k") { event.preventDefault(); move(-1); }
    else if (event.key === "o" || (event.key === "Enter" && !(target && target.tagName === "A"))) {
      var row = document.querySelector('#inbox-rows tr[data-case-id="' + CSS.escape(selectedId || "") + '"]');
      var link = row && row.querySelector("a.case-link");
      if (link) { event.preventDefault(); window.location.assign(link.getAttribute("href")); }
    }
  });

  document.addEventListener("focusin", function (event) {
    var row = event.target.closest && event.target.closest("#inbox-rows tr[data-case-id]");
    if (row && row.getAttribute("data-case-id") !== selectedId) {
      rows().forEach(function (r) { r.classList.remove("selected"); r.removeAttribute("aria-selected"); });
      row.classList.add("selected");
      row.setAttribute("aria-selected", "true");
      selectedId = row.getAttribute("data-case-id");
    }
  });

  // After a poll replaced the rows, select the same case again (without stealing focus from elsewhere).
  document.addEventListener("htmx:afterSwap", function (event) {
    if (!event.detail.target || event.detail.target.id !== "inbox-rows" || !selectedId) { return; }
    var hadFocus = document.activeElement === document.body || event.detail.target.contains(document.activeElement);
    var row = document.querySelector('#inbox-rows tr[data-case-id="' + CSS.escape(selectedId) + '"]');
    if (!row) { return; }
    if (hadFocus) { select(row); } else { row.classList.add("selected"); row.setAttribute("aria-selected", "true"); }
  });
})();
