// The console's small behaviours, all local (the CSP allows scripts from this site only):
// the menu button on a phone, sidebar groups that remember being folded, toasts that fade (errors stay),
// list tables that become cards on a narrow screen (each cell labelled by its column), and forms that ask
// before they are sent (data-confirm).
(function () {
  "use strict";
  var FOLDED = "fenji.nav.folded";

  function folded() {
    try { return JSON.parse(localStorage.getItem(FOLDED) || "[]"); } catch (e) { return []; }
  }

  function sidebar() {
    var button = document.querySelector(".menu-button");
    var nav = document.getElementById("sidebar");
    if (button && nav) {
      button.addEventListener("click", function () {
        var open = nav.classList.toggle("open");
        button.setAttribute("aria-expanded", String(open));
      });
    }
    var closed = folded();
    document.querySelectorAll(".nav-group").forEach(function (group) {
      var code = group.getAttribute("data-group");
      if (closed.indexOf(code) >= 0 && !group.querySelector("a.active")) { group.open = false; }
      group.addEventListener("toggle", function () {
        var now = folded().filter(function (c) { return c !== code; });
        if (!group.open) { now.push(code); }
        try { localStorage.setItem(FOLDED, JSON.stringify(now)); } catch (e) { /* private mode: not kept */ }
      });
    });
  }

  function toasts() {
    document.querySelectorAll(".toasts li").forEach(function (toast) {
      var close = toast.querySelector(".toast-close");
      if (close) { close.addEventListener("click", function () { toast.remove(); }); }
      if (/msg-(success|info)/.test(toast.className)) {
        setTimeout(function () { toast.classList.add("fading"); }, 6000);
        setTimeout(function () { toast.remove(); }, 6800);
      }
    });
  }

  function cards() {
    document.querySelectorAll("table.list").forEach(function (table) {
      var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
        return th.textContent.trim();
      });
      if (!heads.length) { return; }
      table.classList.add("cards-on-phone");
      table.querySelectorAll("tbody tr").forEach(function (row) {
        Array.prototype.forEach.call(row.children, function (cell, index) {
          if (heads[index] && !cell.hasAttribute("colspan")) { cell.setAttribute("data-label", heads[index]); }
        });
      });
    });
  }

  // A form with data-confirm="…" asks before it is sent (small destructive actions; bulk ones have a page).
  function confirms() {
    document.addEventListener("submit", function (event) {
      var question = event.target.getAttribute && event.target.getAttribute("data-confirm");
      if (question && !window.confirm(question)) { event.preventDefault(); }
    }, true);
  }

  document.addEventListener("DOMContentLoaded", function () { sidebar(); toasts(); cards(); confirms(); });
})();
