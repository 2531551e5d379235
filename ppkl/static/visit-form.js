// Visit form: filter the cooperative list on the server as the officer types.
// Without JavaScript the search box is a plain GET form that reloads the page.
(function () {
  "use strict";
  var input = document.getElementById("q");
  var select = document.getElementById("cooperative_id");
  if (!input || !select) { return; }
  var timer = null;
  var latest = 0;

  function fill(items) {
    var chosen = select.value;
    while (select.options.length) { select.remove(0); }
    items.forEach(function (item) {
      var option = new Option(item.name + " · " + item.regency, String(item.id));
      option.selected = String(item.id) === chosen || items.length === 1;
      select.add(option);
    });
    select.size = Math.max(Math.min(items.length, 6), 1);
  }

  function search() {
    var ticket = ++latest;
    var url = input.dataset.searchUrl + "?q=" + encodeURIComponent(input.value.trim());
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : []; })
      .then(function (items) { if (ticket === latest) { fill(items); } })
      .catch(function () { /* keep the current list; the Search button still works */ });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(search, 250);
  });
  document.getElementById("cooperative-search").addEventListener("submit", function (event) {
    event.preventDefault();
    search();
  });
}());
