// Sending the queue to /api/v1/. Runs in the page, which holds the session's CSRF token; one run
// at a time per user across tabs (Web Locks). A part of an item is marked done only after the
// server confirmed it (201, or 200 for an id it already had), so a run cut anywhere resumes
// without sending anything twice: every request carries the id the phone made for it.
import * as queue from "./queue.js";

// Retry delays while the server is unreachable or failing (5xx). The last one stays under 15 s so
// that a connection that returns without an "online" event is still used within 15 s.
const RETRY_DELAYS_MS = [2000, 4000, 8000, 12000];

class Retry extends Error {}
class Stop extends Error {}

let userId = null;
let running = null;
let again = false;
let failures = 0;
let timer = null;
const statusListeners = new Set();
let status = { state: "idle", detail: "" };

export function onStatus(listener) {
  statusListeners.add(listener);
}

function setStatus(state, detail = "") {
  status = { state, detail };
  statusListeners.forEach((listener) => listener(status));
}

export function currentStatus() {
  return status;
}

function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : "";
}

async function api(path, { method = "GET", json = undefined, form = undefined } = {}) {
  const headers = { Accept: "application/json", "X-CSRFToken": csrfToken() };
  let body;
  if (json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(json);
  } else if (form !== undefined) {
    body = form;
  }
  let response;
  try {
    response = await fetch(path, { method, headers, body, credentials: "same-origin", cache: "no-store" });
  } catch (error) {
    throw new Retry("network");
  }
  const type = response.headers.get("Content-Type") || "";
  const data = type.includes("json") ? await response.json().catch(() => null) : null;
  if (response.status === 401 || response.redirected) throw new Stop("signed_out");
  if (response.status >= 500 || response.status === 408 || response.status === 429) {
    throw new Retry(`status ${response.status}`);
  }
  if (data === null) {
    // Not the API's JSON (a captive portal, a proxy): nothing to show the officer; try again.
    throw new Retry(`status ${response.status} without JSON`);
  }
  return { status: response.status, body: data };
}

const accepted = (answer) => answer.status === 200 || answer.status === 201;

async function refuse(item, part, answer) {
  item.state = "refused";
  item.refusal = {
    part,
    status: answer.status,
    code: answer.body.code || "",
    message: answer.body.message || "",
    errors: answer.body.errors || null,
    current: answer.body.current || null,
    code_nik: answer.body.code_nik || null,
  };
  await queue.putItem(userId, item);
}

// A move, with the certificate's photo when it has one. Items queued before every move went
// through the queue hold a RAT-held move without `to_stage`: they go where they always went.
async function sendMove(item) {
  const base = `/api/v1/cooperatives/${item.visit.cooperative_id}`;
  if (!item.move.to_stage) return api(`${base}/rat-held`, { method: "POST", json: item.move });
  const form = new FormData();
  Object.entries(item.move).forEach(([name, text]) => {
    if (text !== null && text !== undefined) form.append(name, String(text));
  });
  if (item.certificate) {
    const stored = await queue.getFile(userId, item.certificate.id);
    if (!stored) return { status: 0, body: { code: "photo_missing", message: item.certificate.name } };
    form.append("certificate", stored.blob, item.certificate.name);
  }
  return api(`${base}/moves`, { method: "POST", form });
}

async function sendItem(item) {
  item.state = "sending";
  item.refusal = null;
  item.attempts = (item.attempts || 0) + 1;
  await queue.putItem(userId, item);
  try {
    if (!item.visit_done) {
      const answer = await api("/api/v1/visits", { method: "POST", json: item.visit });
      if (!accepted(answer)) return refuse(item, "visit", answer);
      item.visit_done = true;
      item.location_flag = answer.body.location_flag || null;
      await queue.putItem(userId, item);
    }
    for (const photo of item.photos) {
      if (photo.done) continue;
      const stored = await queue.getFile(userId, photo.id);
      if (!stored) {
        const lost = { status: 0, body: { code: "photo_missing", message: photo.name } };
        return refuse(item, "photo", lost);
      }
      const form = new FormData();
      form.append("id", photo.id);
      form.append("file", stored.blob, photo.name);
      const answer = await api(`/api/v1/visits/${item.visit.id}/photos`, { method: "POST", form });
      if (!accepted(answer)) return refuse(item, "photo", answer);
      photo.done = true;
      await queue.putItem(userId, item);
      await queue.deleteFile(userId, photo.id);
    }
    if (item.move && !item.move_done) {
      const answer = await sendMove(item);
      if (!accepted(answer)) return refuse(item, "move", answer);
      item.move_done = true;
      await queue.putItem(userId, item);
      if (item.certificate) await queue.deleteFile(userId, item.certificate.id);
    }
    item.state = "sent";
    item.sent_at = new Date().toISOString();
    await queue.putItem(userId, item);
  } catch (error) {
    item.state = "waiting";
    item.last_error = error.message;
    await queue.putItem(userId, item);
    throw error;
  }
  return undefined;
}

function sendable(item) {
  return item.state === "waiting" || item.state === "sending";
}

async function run() {
  const items = (await queue.listItems(userId)).filter(sendable);
  if (!items.length) {
    failures = 0;
    setStatus("idle");
    return;
  }
  setStatus("sending");
  try {
    // The queue belongs to the page's user; send nothing under another user's session.
    const me = await api("/api/v1/me");
    if (!accepted(me) || String(me.body.id) !== String(userId)) throw new Stop("other_user");
    // A page served from the phone may hold the token of an older session: use a fresh one.
    if (me.body.csrf_token) document.querySelector('meta[name="csrf-token"]').content = me.body.csrf_token;
    for (const { id } of items) {
      const item = await queue.getItem(userId, id);
      if (item && sendable(item)) await sendItem(item);
    }
    failures = 0;
    setStatus("idle");
  } catch (error) {
    if (error instanceof Stop) {
      setStatus("stopped", error.message);
      return;
    }
    if (!(error instanceof Retry)) console.error("ppkl sync", error); // eslint-disable-line no-console
    failures += 1;
    setStatus("retrying", error.message);
    schedule(RETRY_DELAYS_MS[Math.min(failures, RETRY_DELAYS_MS.length) - 1]);
  }
}

function schedule(delay) {
  clearTimeout(timer);
  timer = setTimeout(() => {
    timer = null;
    syncNow();
  }, delay);
}

export function syncNow() {
  if (userId === null) return Promise.resolve();
  if (running) {
    // An item saved during a run is sent by a second run right after it.
    again = true;
    return running;
  }
  const task = navigator.locks ? navigator.locks.request(`ppkl-sync-${userId}`, run) : run();
  running = task.finally(() => {
    running = null;
    if (again) {
      again = false;
      syncNow();
    }
  });
  return running;
}

export async function requestBackgroundSync() {
  try {
    const registration = await navigator.serviceWorker.ready;
    if (registration.sync) await registration.sync.register("ppkl-queue");
  } catch (error) {
    // No Background Sync here: the page's own retries and the online event still send.
  }
}

export function startSync(id) {
  userId = id;
  window.addEventListener("online", () => {
    failures = 0;
    syncNow();
  });
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.addEventListener("message", (event) => {
      if (event.data && event.data.type === "sync") syncNow();
    });
  }
  queue.pruneSent(userId).catch(() => undefined);
  // Items left "sending" by a closed browser are simply sent again: every part is idempotent.
  syncNow();
}
