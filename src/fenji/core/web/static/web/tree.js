// The unit tree: the first click on ▸ loads the children (htmx); later clicks fold and unfold them
// without asking the server again.
(function () {
  "use strict";
  function toggleOf(target) {
    return document.querySelector('.tree-toggle[hx-target="#' + target.id + '"]');
  }
  document.addEventListener("htmx:beforeRequest", function (event) {
    var button = event.detail.elt;
    if (!button.classList || !button.classList.contains("tree-toggle")) { return; }
    var target = document.querySelector(button.getAttribute("hx-target"));
    if (target && target.childElementCount) {
      event.preventDefault();
      var open = !target.hidden;
      target.hidden = open;
      button.textContent = open ? "▸" : "▾";
      button.setAttribute("aria-expanded", String(!open));
    }
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    var button = toggleOf(event.detail.target);
    if (button) {
      event.detail.target.hidden = false;
      button.textContent = "▾";
      button.setAttribute("aria-expanded", "true");
    }
  });
})();
