// The theme gives a code block a tab stop only when it scrolls sideways, and checks that on load
// and on resize. Code shown later (a folded cell opened, a solution shown) is checked again here,
// so a keyboard reader can scroll it too.
(function () {
  "use strict";
  function recheck() { window.dispatchEvent(new Event("resize")); }
  document.addEventListener("toggle", recheck, true);  // a <details> opened or closed
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest(".toggle-button, .admonition.toggle .admonition-title")) {
      window.setTimeout(recheck, 0);
    }
  });
})();
