// UI text for scripts: translated on the server and rendered as JSON into the data-strings
// attribute of #app-strings by templates/_sync_badge.html, so scripts hold no language of their own.
let strings = null;

function all() {
  if (strings === null) {
    const block = document.getElementById("app-strings");
    strings = block ? JSON.parse(block.dataset.strings) : {};
  }
  return strings;
}

export function stageLabel(stage) {
  return (all().stages || {})[stage] || stage;
}

// A form field's label as on the visit form; "location.latitude" is labelled by "location".
export function fieldLabel(name) {
  const fields = all().fields || {};
  return fields[name] || fields[name.split(".")[0]] || name;
}

export function t(key, params = {}) {
  const text = all()[key] || key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

export function formatDateTime(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(document.documentElement.lang || "id", {
    dateStyle: "long",
    timeStyle: "short",
  }).format(date);
}

export function formatDate(isoDate) {
  const date = new Date(`${isoDate}T00:00:00`);
  if (Number.isNaN(date.getTime())) return isoDate;
  return new Intl.DateTimeFormat(document.documentElement.lang || "id", { dateStyle: "long" }).format(date);
}
