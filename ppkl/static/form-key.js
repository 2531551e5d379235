// One-time form keys (see ppkl/form_keys.py): the key a form was first shown with stays with
// its history entry. Going back to a saved form, the browser may fetch the page again and get
// a fresh key while it restores what was typed; the first key is put back, so the server
// recognises a second submit of the same form and shows what was saved instead of saving twice.
(function () {
  "use strict";
  var inputs = document.querySelectorAll("input[name='form_key']");
  if (!inputs.length || !window.history || !window.history.replaceState) { return; }
  var state = window.history.state || {};
  var kept = state.formKeys || {};
  var changed = false;
  Array.prototype.forEach.call(inputs, function (input, index) {
    var name = (input.form && input.form.id) || String(index);
    if (kept[name]) {
      input.value = kept[name];
    } else {
      kept[name] = input.value;
      changed = true;
    }
  });
  if (changed) {
    var next = {};
    Object.keys(state).forEach(function (k) { next[k] = state[k]; });
    next.formKeys = kept;
    window.history.replaceState(next, "");
  }
}());
