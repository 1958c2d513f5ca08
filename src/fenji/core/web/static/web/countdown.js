// Keeps the to-do countdowns ("剩余 8 分钟" / "已超时 3 分钟") current without reloading the page.
(function () {
  "use strict";
  var zh = (document.documentElement.lang || "zh").indexOf("zh") === 0;
  function text(minutes, late) {
    if (late) { return zh ? "已超时 " + minutes + " 分钟" : minutes + " min overdue"; }
    return zh ? "剩余 " + minutes + " 分钟" : minutes + " min left";
  }
  function tick() {
    var now = Date.now();
    document.querySelectorAll(".countdown[data-due]").forEach(function (node) {
      var due = Date.parse(node.getAttribute("data-due"));
      if (isNaN(due)) { return; }
      var late = due <= now;
      node.textContent = text(Math.floor(Math.abs(due - now) / 60000), late);
      node.classList.toggle("overdue", late);
      var item = node.closest(".todo");
      if (item) { item.classList.toggle("overdue", late); }
    });
  }
  document.addEventListener("DOMContentLoaded", function () { tick(); setInterval(tick, 15000); });
})();
