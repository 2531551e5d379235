// The district filter offers only the districts of the chosen regency, as the officer changes
// the regency (the server renders the same choice for the page it sends).
(function () {
  "use strict";
  var regency = document.getElementById("regency");
  var district = document.getElementById("district");
  if (!regency || !district) { return; }

  function follow() {
    var chosen = regency.value;
    Array.prototype.forEach.call(district.options, function (option) {
      if (!option.dataset.regencies) { return; }  // "All"
      var inside = !chosen || option.dataset.regencies.split(" ").indexOf(chosen) !== -1;
      option.hidden = !inside;
      option.disabled = !inside;
      if (!inside && option.selected) { district.value = ""; }
    });
  }

  regency.addEventListener("change", follow);
  follow();
}());
