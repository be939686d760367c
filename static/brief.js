// The brief: its Print button prints the page (no inline handlers: the CSP allows none).
(function () {
  "use strict";
  document.querySelectorAll("button.print").forEach((button) => {
    button.addEventListener("click", () => window.print());
  });
})();
