/* /api/docs/: Swagger UI draws a parameter's choices as a <select> with no label; name each by
   its parameter (the row's data-param-name), so a screen reader says which filter it sets. */
(function () {
  "use strict";
  function label(root) {
    root.querySelectorAll("tr[data-param-name] select:not([aria-label])").forEach(function (el) {
      var row = el.closest("tr[data-param-name]");
      el.setAttribute("aria-label", row.getAttribute("data-param-name"));
    });
  }
  new MutationObserver(function () { label(document); }).observe(document.documentElement, {
    childList: true,
    subtree: true,
  });
})();
