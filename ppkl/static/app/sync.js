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

// The parts of an item the server has not confirmed, in the order they must reach it: the visit,
// each photo, the move (with the certificate's photo when it has one). `body()` reads the files
// from the queue: null when a file is missing.
function partsOf(item) {
  const parts = [];
  if (!item.visit_done) {
    parts.push({ kind: "visit", path: "/api/v1/visits", body: async () => ({ json: item.visit }) });
  }
  item.photos.filter((photo) => !photo.done).forEach((photo) => {
    parts.push({
      kind: "photo",
      photo,
      path: `/api/v1/visits/${item.visit.id}/photos`,
      body: async () => {
        const stored = await queue.getFile(userId, photo.id);
        if (!stored) return null;
        const form = new FormData();
        form.append("id", photo.id);
        form.append("file", stored.blob, photo.name);
        return { form };
      },
    });
  });
  if (item.move && !item.move_done) parts.push(movePart(item));
  return parts;
}

// Items queued before every move went through the queue hold a RAT-held move without
// `to_stage`: they go where they always went.
function movePart(item) {
  const base = `/api/v1/cooperatives/${item.visit.cooperative_id}`;
  if (!item.move.to_stage) return { kind: "move", path: `${base}/rat-held`, body: async () => ({ json: item.move }) };
  return {
    kind: "move",
    path: `${base}/moves`,
    body: async () => {
      const form = new FormData();
      Object.entries(item.move).forEach(([name, text]) => {
        if (text !== null && text !== undefined) form.append(name, String(text));
      });
      if (item.certificate) {
        const stored = await queue.getFile(userId, item.certificate.id);
        if (!stored) return null;
        form.append("certificate", stored.blob, item.certificate.name);
      }
      return { form };
    },
  };
}

async function partDone(item, part, answer) {
  if (part.kind === "visit") {
    item.visit_done = true;
    item.location_flag = answer.body.location_flag || null;
    await queue.putItem(userId, item);
    return;
  }
  const file = part.kind === "photo" ? part.photo.id : item.certificate && item.certificate.id;
  if (part.kind === "photo") part.photo.done = true;
  else item.move_done = true;
  await queue.putItem(userId, item);
  if (file) await queue.deleteFile(userId, file);
}

// After the worker may have sent parts with no page open: learn what arrived before uploading
// any photo again (the visit's answer lists its stored photos; a move is looked up by its id).
async function catchUp(item) {
  const visit = await api("/api/v1/visits", { method: "POST", json: item.visit });
  if (accepted(visit)) {
    const stored = new Set((visit.body.photos || []).map((photo) => photo.id));
    await partDone(item, { kind: "visit" }, visit);
    for (const photo of item.photos.filter((each) => !each.done && stored.has(each.id))) {
      await partDone(item, { kind: "photo", photo }, visit);
    }
  }
  if (item.move && item.move.to_stage && !item.move_done) {
    const move = await api(`/api/v1/moves/${item.move.id}`);
    if (move.status === 200) await partDone(item, { kind: "move" }, move);
  }
  item.handed_over = false;
  await queue.putItem(userId, item);
}

async function sendItem(item) {
  item.state = "sending";
  item.refusal = null;
  item.attempts = (item.attempts || 0) + 1;
  await queue.putItem(userId, item);
  try {
    if (item.handed_over) await catchUp(item);
    for (const part of partsOf(item)) {
      const body = await part.body();
      if (body === null) {
        const name = part.kind === "photo" ? part.photo.name : item.certificate.name;
        return refuse(item, part.kind, { status: 0, body: { code: "photo_missing", message: name } });
      }
      const answer = await api(part.path, { method: "POST", ...body });
      if (!accepted(answer)) return refuse(item, part.kind, answer);
      await partDone(item, part, answer);
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

// --- handing over to the service worker -------------------------------------------------------
// With no signal, the page gives the worker a copy of every request still to make, with the
// session's CSRF token, so that Background Sync can send them when the signal returns even if
// every ppkl page is closed by then. The queue here stays the record: the next page that runs
// learns what arrived (catchUp) and sends the rest.
const CSRF_KEPT = "ppkl-csrf-";

let handedOver = "";

async function handOver() {
  const worker = navigator.serviceWorker && navigator.serviceWorker.controller;
  if (!worker || !("SyncManager" in window)) return;
  const items = (await queue.listItems(userId)).filter(sendable);
  // Only when something changed since the last copy: a retry every few seconds while offline
  // must not rewrite megabytes of photos each time.
  const signature = items.map((item) => `${item.id}:${partsOf(item).map((part) => part.path + (part.photo ? part.photo.id : "")).join(",")}`).join(";");
  if (signature === handedOver) return;
  handedOver = signature;
  const token = localStorage.getItem(CSRF_KEPT + userId) || csrfToken();
  const requests = [];
  for (const item of items) {
    for (const part of partsOf(item)) {
      const body = await part.body();
      if (body === null) break;
      const payload = body.form ? new Response(body.form) : new Response(JSON.stringify(body.json));
      const type = body.form ? payload.headers.get("Content-Type") : "application/json";
      requests.push({
        item: item.id,
        url: part.path,
        headers: { Accept: "application/json", "Content-Type": type, "X-CSRFToken": token },
        body: await payload.blob(),
      });
    }
    item.handed_over = true;
    await queue.putItem(userId, item);
  }
  worker.postMessage({ type: "parts", owner: userId, parts: requests });
}

// Signing out: the worker's copy and the kept token go (the queue stays for this user).
export function signingOut() {
  localStorage.removeItem(CSRF_KEPT + userId);
  forgetHandedOver();
}

function forgetHandedOver() {
  const worker = navigator.serviceWorker && navigator.serviceWorker.controller;
  // Also after a page closed since: its copy would only be sent again for nothing.
  if (worker) worker.postMessage({ type: "parts-sent" });
  handedOver = "";
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
    if (me.body.csrf_token) {
      document.querySelector('meta[name="csrf-token"]').content = me.body.csrf_token;
      localStorage.setItem(CSRF_KEPT + userId, me.body.csrf_token);
    }
    for (const { id } of items) {
      const item = await queue.getItem(userId, id);
      if (item && sendable(item)) await sendItem(item);
    }
    failures = 0;
    forgetHandedOver();
    setStatus("idle");
  } catch (error) {
    if (error instanceof Stop) {
      forgetHandedOver();
      setStatus("stopped", error.message);
      return;
    }
    if (error instanceof Retry) handOver().catch(() => undefined);
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
