// The Print button of a page made to print (the briefs, the overview) prints it (no inline
// handlers: the CSP allows none).
(function () {
  "use strict";
  document.querySelectorAll("button.print").forEach((button) => {
    button.addEventListener("click", () => window.print());
  });
})();
