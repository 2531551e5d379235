// Pickers: turn a picker's search field into a combobox (the WAI-ARIA 1.2 pattern with a
// listbox popup) that asks the server for matches as the user types.
//
// The page works without this script: the field and its Search button reload the page with a
// short select of matches (templates/_macros/picker.html). With it, that select stays the
// field the form submits, hidden: choosing a match selects (or adds) its option, so the server
// validates exactly what it would without JavaScript.
(function () {
  "use strict";

  var DELAY_MS = 200;

  function text(node, value) {
    node.textContent = value;
    return node;
  }

  function enhance(root, index) {
    var input = root.querySelector(".picker-input");
    var select = root.querySelector(".picker-select");
    var url = root.getAttribute("data-picker-url");
    if (!input || !select || !url) { return; }
    var prefix = root.getAttribute("data-picker-prefix") || "";
    var strings = {
      results: root.getAttribute("data-picker-results") || "%(count)s",
      more: root.getAttribute("data-picker-more") || "",
      none: root.getAttribute("data-picker-none") || ""
    };
    var base = "picker-" + index;
    var listbox = document.createElement("ul");
    var status = document.createElement("div");
    var items = [];
    var active = -1;
    var timer = null;
    var ticket = 0;
    var fixed = [];

    Array.prototype.forEach.call(select.options, function (option) {
      if (option.hasAttribute("data-fixed")) {
        fixed.push({ value: option.value, label: option.textContent.trim(), fixed: true });
      }
    });

    listbox.id = base + "-listbox";
    listbox.className = "picker-list";
    listbox.setAttribute("role", "listbox");
    listbox.setAttribute("aria-labelledby", input.id ? labelId() : "");
    listbox.hidden = true;
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    input.parentNode.insertBefore(listbox, input.nextSibling);
    root.appendChild(status);

    function labelId() {
      var label = root.querySelector("label[for='" + input.id + "']");
      if (!label) { return ""; }
      label.id = label.id || base + "-label";
      return label.id;
    }

    // The search field no longer submits itself: the (hidden) select carries the choice.
    input.removeAttribute("name");
    input.removeAttribute("form");
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listbox.id);
    input.setAttribute("autocomplete", "off");
    var chosen = select.options[select.selectedIndex];
    if (chosen && chosen.value !== "" && !chosen.hasAttribute("data-placeholder")) {
      input.value = chosen.getAttribute("data-label") || chosen.textContent.trim();
    }
    root.classList.add("enhanced");

    function setStatus(message) { status.textContent = message; }

    function close() {
      listbox.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(position) {
      var nodes = listbox.querySelectorAll("[role=option]");
      if (!nodes.length) { return; }
      active = (position + nodes.length) % nodes.length;
      Array.prototype.forEach.call(nodes, function (node, i) {
        node.classList.toggle("active", i === active);
      });
      input.setAttribute("aria-activedescendant", nodes[active].id);
      nodes[active].scrollIntoView({ block: "nearest" });
    }

    function render(found, more) {
      var typed = input.value.trim().toLowerCase();
      items = fixed.filter(function (item) {
        return !typed || item.label.toLowerCase().indexOf(typed) !== -1;
      }).concat(found);
      listbox.textContent = "";
      active = -1;
      input.removeAttribute("aria-activedescendant");
      items.forEach(function (item, i) {
        var option = document.createElement("li");
        option.id = base + "-option-" + i;
        option.className = "picker-option";
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", String(item.value === select.value));
        option.appendChild(text(document.createElement("span"), item.label));
        if (item.detail) {
          var detail = text(document.createElement("span"), item.detail);
          detail.className = "picker-detail";
          option.appendChild(detail);
        }
        option.addEventListener("mousedown", function (event) { event.preventDefault(); });
        option.addEventListener("click", function () { choose(i); });
        listbox.appendChild(option);
      });
      if (!items.length) {
        var empty = text(document.createElement("li"), strings.none);
        empty.className = "picker-empty";
        listbox.appendChild(empty);
      }
      listbox.hidden = false;
      input.setAttribute("aria-expanded", "true");
      var message = items.length ? strings.results.replace("%(count)s", String(found.length)) : strings.none;
      setStatus(more && strings.more ? message + " " + strings.more : message);
    }

    function search() {
      var mine = ++ticket;
      var q = input.value.trim();
      var join = url.indexOf("?") === -1 ? "?" : "&";
      fetch(url + join + "q=" + encodeURIComponent(q), {
        credentials: "same-origin",
        headers: { Accept: "application/json" }
      })
        .then(function (response) {
          if (!response.ok) { throw new Error(String(response.status)); }
          return response.json();
        })
        .then(function (data) {
          if (mine !== ticket) { return; }
          var found = (data.items || []).map(function (item) {
            return { value: prefix + String(item.value), label: item.label, detail: item.detail || "" };
          });
          render(found, data.more);
        })
        .catch(function () {
          // Offline (the field app) or a failed request: search the matches the page came with.
          if (mine === ticket) { render(localMatches(), false); }
        });
    }

    function localMatches() {
      var typed = input.value.trim().toLowerCase();
      var found = [];
      Array.prototype.forEach.call(select.options, function (option) {
        var label = option.getAttribute("data-label") || option.textContent.trim();
        var shown = option.textContent.trim();
        if (option.hasAttribute("data-fixed") || option.hasAttribute("data-placeholder")) { return; }
        if (!typed || shown.toLowerCase().indexOf(typed) !== -1) {
          var detail = shown.indexOf(" · ") === -1 ? "" : shown.slice(shown.indexOf(" · ") + 3);
          found.push({ value: option.value, label: label, detail: detail });
        }
      });
      return found;
    }

    function optionFor(value) {
      for (var i = 0; i < select.options.length; i += 1) {
        if (select.options[i].value === value) { return select.options[i]; }
      }
      return null;
    }

    function choose(position) {
      var item = items[position];
      if (!item) { return; }
      var option = optionFor(item.value);
      if (!option) {
        option = new Option(item.detail ? item.label + " · " + item.detail : item.label, item.value);
        option.setAttribute("data-label", item.label);
        select.add(option);
      }
      select.value = item.value;
      input.value = item.fixed && item.value === "" ? "" : item.label;
      close();
      setStatus(input.value);
      select.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function clearChoice() {
      // What was typed no longer names the chosen match: choose nothing (or the blank choice).
      var blank = optionFor("");
      if (blank) { select.value = ""; } else { select.selectedIndex = -1; }
    }

    input.addEventListener("input", function () {
      clearChoice();
      clearTimeout(timer);
      timer = setTimeout(search, DELAY_MS);
    });
    input.addEventListener("focus", function () {
      if (listbox.hidden && !input.value) { search(); }
    });
    input.addEventListener("blur", function () { close(); });
    input.addEventListener("keydown", function (event) {
      var open = !listbox.hidden;
      if (event.key === "ArrowDown" || event.key === "Down") {
        event.preventDefault();
        if (!open) { search(); } else { highlight(active + 1); }
      } else if (event.key === "ArrowUp" || event.key === "Up") {
        event.preventDefault();
        if (open) { highlight(active - 1); }
      } else if (event.key === "Enter") {
        if (open && active >= 0) {
          event.preventDefault();
          choose(active);
        } else if (open) {
          event.preventDefault();
          close();
        } else if (!input.form || input.form.method !== "get") {
          event.preventDefault(); // Enter in a picker never sends a form that changes data
        }
      } else if (event.key === "Escape" || event.key === "Esc") {
        if (open) {
          event.preventDefault();
          close();
        } else if (input.value) {
          event.preventDefault();
          input.value = "";
          clearChoice();
        }
      }
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll(".picker[data-picker-url]"), enhance);
}());
