// The unit picker (org/_unit_picker.html): choosing a unit from the results fills the hidden input.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var choose = event.target.closest(".picker-choose");
    var clear = event.target.closest(".picker-clear");
    var picker = event.target.closest(".unit-picker");
    if (!picker || !(choose || clear)) { return; }
    var value = picker.querySelector(".picker-value");
    var chosen = picker.querySelector(".picker-chosen");
    value.value = choose ? choose.getAttribute("data-pk") : "";
    chosen.textContent = choose ? choose.getAttribute("data-label") : "";
    var results = picker.querySelector(".picker-results");
    if (results && choose) { results.innerHTML = ""; }
  });
})();
