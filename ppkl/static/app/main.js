// The field app on every signed-in page: service worker, send-queue badge and list, sync,
// the "last refreshed" mark on pages served from the phone, and the sign-out guard.
import * as queue from "./queue.js";
import { currentStatus, onStatus, signingOut, startSync, syncNow } from "./sync.js";
import { fieldLabel, formatDate, formatDateTime, stageLabel, t } from "./strings.js";

const body = document.body;
const userId = body.dataset.userId;
const PAGE_CACHE_PREFIX = "ppkl-pages-";

function registerServiceWorker() {
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker
    .register("/sw.js", { scope: "/", updateViaCache: "none" })
    .then(() => navigator.serviceWorker.ready)
    .then((registration) => {
      registration.active.postMessage({ type: "user", id: userId });
      if (body.dataset.cachedAt || !navigator.onLine) return;
      const urls = navigator.serviceWorker.controller ? [] : [window.location.href];
      if (window.location.pathname === "/tasks/") {
        // Everything an officer may open from Tugas saya is fetched now, while there is signal.
        document.querySelectorAll('#tasks a[href^="/cooperatives/"], #tasks a[href^="/visits/new"]')
          .forEach((link) => urls.push(link.href));
        urls.push("/tasks/", "/visits/new", "/cooperatives/");
      }
      if (urls.length) registration.active.postMessage({ type: "warm", urls });
      // Marks the page once the worker has fetched them (tests wait for it before closing).
      navigator.serviceWorker.addEventListener("message", (event) => {
        if (event.data && event.data.type === "warmed") body.dataset.warmed = "true";
      });
    })
    .catch((error) => console.warn("ppkl service worker", error)); // eslint-disable-line no-console
}

function notice(id, text, kind) {
  let box = document.getElementById(id);
  if (!text) {
    if (box) box.remove();
    return;
  }
  if (!box) {
    box = document.createElement("div");
    box.id = id;
    box.setAttribute("role", "status");
    document.querySelector("main").prepend(box);
  }
  box.className = `alert alert-${kind} py-2 small offline-banner`;
  box.textContent = text;
}

function showCachedMark() {
  if (body.dataset.cachedAt) {
    const key = navigator.onLine ? "cached_at_online" : "cached_at";
    notice("cached-at", t(key, { time: formatDateTime(body.dataset.cachedAt) }), "warning");
  }
}

function showConnection() {
  // A page served from the phone already says so, with its age.
  const say = !navigator.onLine && !body.dataset.cachedAt;
  notice("connection", say ? t("offline") : "", "secondary");
}

// --- badge and list ---------------------------------------------------------------------------

const badge = document.getElementById("sync-badge");
const panel = document.getElementById("sync-panel");

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

const STATE_CLASSES = { waiting: "text-bg-warning", sending: "text-bg-info", sent: "text-bg-success", refused: "text-bg-danger" };

function describeRefusal(item) {
  const box = element("div", "small text-danger mt-1");
  const refusal = item.refusal;
  box.append(element("div", "", refusal.message || `${refusal.status}`));
  if (refusal.errors) {
    const list = element("ul", "mb-0");
    Object.entries(refusal.errors).forEach(([field, messages]) => {
      const text = [].concat(messages).join(" ");
      list.append(element("li", "", field === "_schema" ? text : `${fieldLabel(field)}: ${text}`));
    });
    box.append(list);
  }
  if (refusal.part === "move" && item.move.to_stage === "certified" && refusal.errors && refusal.errors.nik) {
    box.append(nikCorrection(item));
  }
  const current = refusal.current;
  if (refusal.part === "move" && current) {
    box.append(element("div", "text-body", t("stale_yours", { version: item.move.version })));
    const server = { stage: stageLabel(current.stage), version: current.version };
    const line = current.changed_by && current.changed_at
      ? t("stale_server", { ...server, who: current.changed_by, when: formatDateTime(current.changed_at) })
      : t("stale_server_short", server);
    box.append(element("div", "text-body", line));
  } else if (refusal.part === "visit" && current) {
    box.append(element("div", "text-body", t("conflict_server")));
    const fields = ["visited_on", "purposes", "people_met", "notes", "outcome", "follow_up_on", "follow_up_action"];
    const table = element("dl", "row mb-0 text-body");
    fields.forEach((field) => {
      table.append(element("dt", "col-4 fw-normal", fieldLabel(field)));
      table.append(element("dd", "col-8 mb-0", `${[].concat(item.visit[field] ?? "—").join(", ")} / ${[].concat(current[field] ?? "—").join(", ")}`));
    });
    box.append(table);
  }
  return box;
}

// A certificate move refused for its NIK (not what the code in the photo holds, taken by another
// cooperative, wrong form) stays on the phone to be corrected here: the two NIKs side by side
// when the code held one, and the field holding the code's.
function nikCorrection(item) {
  const refusal = item.refusal;
  const box = element("div", "nik-fix mt-2 text-body");
  if (refusal.code_nik) {
    // One under the other: two 16-digit numbers side by side do not fit a 360 px screen.
    const table = element("dl", "mb-1 nik-pair");
    table.append(element("dt", "fw-normal", t("nik_typed")), element("dd", "mb-1 font-monospace", item.move.nik));
    table.append(element("dt", "fw-normal", t("nik_code")), element("dd", "mb-1 font-monospace", refusal.code_nik));
    box.append(table);
  }
  const input = element("input", "form-control form-control-sm font-monospace");
  input.id = `nik-${item.id}`;
  input.inputMode = "numeric";
  input.autocomplete = "off";
  input.value = refusal.code_nik || item.move.nik || "";
  input.dataset.nikFor = item.id;
  const label = element("label", "form-label small mb-1", t("nik_fix"));
  label.htmlFor = input.id;
  box.append(label, input);
  if (refusal.code_nik) box.append(element("p", "small text-muted mb-0 mt-1", t("nik_fix_hint")));
  return box;
}

function itemRow(item) {
  const row = element("li", "sync-item");
  row.dataset.itemId = item.id;
  row.dataset.state = item.state;
  const head = element("div", "d-flex gap-2 align-items-start");
  head.append(element("span", "me-auto", t("visit_to", { name: item.cooperative.name, date: formatDate(item.visit.visited_on) })));
  head.append(element("span", `badge ${STATE_CLASSES[item.state]}`, t(item.state)));
  row.append(head);
  const parts = [];
  if (item.photos.length) parts.push(t("photos", { count: item.photos.length }));
  if (item.move) parts.push(t("move_to", { stage: stageLabel(item.move.to_stage || "rat_held") }));
  if (item.certificate) parts.push(t("certificate_photo"));
  if (parts.length) row.append(element("div", "small text-muted", parts.join(" · ")));
  if (item.state === "refused" && item.refusal) row.append(describeRefusal(item));
  if (item.state === "waiting" || item.state === "refused") {
    const actions = element("div", "d-flex gap-2 mt-2");
    const resend = element("button", "btn btn-sm btn-primary", t(item.state === "refused" ? "resend" : "send_now"));
    resend.type = "button";
    resend.dataset.action = "resend";
    const discard = element("button", "btn btn-sm btn-outline-danger", t("discard"));
    discard.type = "button";
    discard.dataset.action = "discard";
    actions.append(resend, discard);
    row.append(actions);
  }
  return row;
}

async function render() {
  const items = (await queue.listItems(userId)).reverse();
  const pending = items.filter(queue.isPending).length;
  badge.querySelector("[data-sync-pending]").textContent = String(pending);
  badge.classList.toggle("has-pending", pending > 0);
  badge.hidden = false;
  const list = document.getElementById("sync-list");
  // A NIK being corrected survives the list being drawn again (another item's progress).
  const typed = new Map([...list.querySelectorAll("[data-nik-for]")].map((input) => [input.dataset.nikFor, input.value]));
  list.replaceChildren(...items.map(itemRow));
  typed.forEach((text, id) => {
    const input = list.querySelector(`[data-nik-for="${id}"]`);
    if (input) input.value = text;
  });
  if (!items.length) list.append(element("li", "text-muted small", t("nothing_waiting")));
  renderStatus();
}

function renderStatus() {
  const line = document.getElementById("sync-status");
  const state = currentStatus().state;
  const messages = { retrying: "server_error", stopped: "signed_out" };
  line.textContent = t(navigator.onLine ? messages[state] || "online" : "offline");
}

async function resend(id) {
  const item = await queue.getItem(userId, id);
  if (!item) return;
  // A move refused as stale goes again against the version the server showed, as the officer
  // has now seen both.
  if (item.refusal && item.refusal.part === "move" && item.refusal.current && item.move) {
    item.move.version = item.refusal.current.version;
  }
  const nik = document.querySelector(`[data-nik-for="${id}"]`);
  if (nik && item.move) {
    item.move.nik = nik.value.trim();
    // Shown both, the officer kept a NIK other than the code's: sent as their decision.
    const read = item.refusal.code_nik;
    if (read && item.move.nik !== read) item.move.code_nik = read;
    else delete item.move.code_nik;
  }
  item.state = "waiting";
  item.refusal = null;
  await queue.putItem(userId, item);
  syncNow();
}

async function discard(id) {
  if (!window.confirm(t("discard_confirm"))) return;
  await queue.removeItem(userId, id);
}

function setUpPanel() {
  badge.addEventListener("click", () => {
    render();
    panel.showModal();
  });
  panel.querySelector("[data-close]").addEventListener("click", () => panel.close());
  panel.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-action]");
    if (!button) return;
    const id = button.closest("[data-item-id]").dataset.itemId;
    if (button.dataset.action === "resend") resend(id);
    else discard(id);
  });
}

// --- sign-out -----------------------------------------------------------------------------------

function guardSignOut() {
  const form = document.getElementById("sign-out");
  if (!form) return;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const pending = await queue.pendingCount(userId);
    if (pending > 0 && !window.confirm(t("signout_confirm", { count: pending }))) return;
    // The pages kept for this user go; the queue stays, for this user only, until they return.
    signingOut();
    if ("caches" in window) {
      await caches.delete(PAGE_CACHE_PREFIX + userId);
      const meta = await caches.open("ppkl-meta");
      await meta.delete("/__ppkl/current-user");
    }
    form.submit();
  });
}

if (userId) {
  registerServiceWorker();
  showCachedMark();
  showConnection();
  ["online", "offline"].forEach((name) => window.addEventListener(name, () => {
    showCachedMark();
    showConnection();
    renderStatus();
  }));
  setUpPanel();
  guardSignOut();
  queue.onChange(render);
  onStatus(renderStatus);
  render();
  startSync(userId);
  if (document.getElementById("visit-form")) import("./visit-form.js").then((module) => module.enhance(userId));
}
