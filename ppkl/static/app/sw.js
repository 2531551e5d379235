/* ppkl service worker, served at /sw.js with scope /.
 *
 * Static assets: precached by Workbox with a content revision each (precache-manifest.js, made by
 * tools/precache_manifest.py), so a deployment that changes a file replaces exactly that file.
 * Officer pages (Tugas saya, cooperative pages, the visit form): network first, and the copy kept
 * in a cache of the signed-in user's own (ppkl-pages-<user id>), served when the network fails.
 * The send queue lives in IndexedDB and is sent by the pages; this worker never touches it, so an
 * update of the worker cannot lose queued items. Page caches are not versioned for the same
 * reason. When a page cannot send (no signal), it hands this worker a copy of the requests still
 * to make, and Workbox's Background Sync queue replays them when the signal returns, even with
 * every ppkl page closed (see replayParts). The page's own sending stays the fallback.
 */
/* global workbox */
importScripts("/static/vendor/workbox-7.4.1/workbox-sw.js");
importScripts("/static/app/precache-manifest.js");

workbox.setConfig({ modulePathPrefix: "/static/vendor/workbox-7.4.1/", debug: false });
workbox.core.setCacheNameDetails({ prefix: "ppkl" });

const PAGE_CACHE_PREFIX = "ppkl-pages-";
const META_CACHE = "ppkl-meta";
const USER_KEY = "/__ppkl/current-user";
const OFFLINE_PAGE = "/static/app/offline.html";
const NETWORK_TIMEOUT_MS = 8000;
// The pages an officer needs in the field; everything else is network only.
const OFFLINE_PAGES = [/^\/tasks\/$/, /^\/cooperatives\/$/, /^\/cooperatives\/\d+$/, /^\/visits\/new$/];

self.skipWaiting();
workbox.core.clientsClaim();
workbox.precaching.precacheAndRoute(self.PPKL_PRECACHE);
workbox.precaching.cleanupOutdatedCaches();

function isOfflinePage(url) {
  return url.origin === self.location.origin && OFFLINE_PAGES.some((rule) => rule.test(url.pathname));
}

async function currentUser() {
  const meta = await caches.open(META_CACHE);
  const hit = await meta.match(USER_KEY);
  return hit ? hit.text() : null;
}

async function setCurrentUser(userId) {
  if (!/^\d+$/.test(String(userId))) return;
  const previous = await currentUser();
  if (previous === String(userId)) return;
  // Another user signed in on this phone: the previous user's pages must not outlive the switch.
  for (const name of await caches.keys()) {
    if (name.startsWith(PAGE_CACHE_PREFIX) && name !== PAGE_CACHE_PREFIX + userId) {
      await caches.delete(name);
    }
  }
  const meta = await caches.open(META_CACHE);
  await meta.put(USER_KEY, new Response(String(userId)));
}

// The user a page belongs to is read from the page itself, never assumed, so a page fetched
// just after another user signed in can only land in that user's cache.
function pageOwner(html) {
  const body = html.match(/<body\b[^>]*\bdata-user-id="(\d+)"/);
  return body ? body[1] : null;
}

// Query arguments that only say where to return after saving: a page is the same page without
// them, so a form opened from the cooperative page is found offline as the worklist cached it.
const NAVIGATION_ONLY_ARGS = ["back"];

function pageKey(address) {
  const url = new URL(address);
  for (const name of NAVIGATION_ONLY_ARGS) url.searchParams.delete(name);
  return url.href;
}

async function keepPage(request, response) {
  if (!response || response.status !== 200 || response.type !== "basic") return;
  if (!(response.headers.get("Content-Type") || "").startsWith("text/html")) return;
  const html = await response.clone().text();
  const owner = pageOwner(html);
  if (!owner) return;
  await setCurrentUser(owner);
  const headers = new Headers(response.headers);
  headers.set("X-Ppkl-Fetched-At", new Date().toISOString());
  const cache = await caches.open(PAGE_CACHE_PREFIX + owner);
  await cache.put(pageKey(request.url), new Response(html, { status: 200, headers }));
}

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timeout")), ms);
    promise.then(
      (value) => { clearTimeout(timer); resolve(value); },
      (error) => { clearTimeout(timer); reject(error); },
    );
  });
}

async function cachedPage(request) {
  const user = await currentUser();
  if (!user) return null;
  const cache = await caches.open(PAGE_CACHE_PREFIX + user);
  const hit = await cache.match(pageKey(request.url));
  if (!hit) return null;
  // Mark the copy so the page can say how old it is.
  const fetchedAt = hit.headers.get("X-Ppkl-Fetched-At") || "";
  const html = (await hit.text()).replace(/<body\b/, `<body data-cached-at="${fetchedAt}"`);
  return new Response(html, { status: 200, headers: hit.headers });
}

async function offlinePage() {
  return (await workbox.precaching.matchPrecache(OFFLINE_PAGE)) || Response.error();
}

async function networkFirst({ request, event }) {
  const network = fetch(request);
  try {
    const response = await withTimeout(network, NETWORK_TIMEOUT_MS);
    event.waitUntil(keepPage(request, response.clone()));
    return response;
  } catch (error) {
    // A late answer still refreshes the copy for next time.
    event.waitUntil(network.then((late) => keepPage(request, late.clone())).catch(() => undefined));
    return (await cachedPage(request)) || offlinePage();
  }
}

async function networkOnly({ request }) {
  try {
    return await fetch(request);
  } catch (error) {
    return offlinePage();
  }
}

workbox.routing.registerRoute(
  ({ request, url }) => request.mode === "navigate" && isOfflinePage(url),
  networkFirst,
);
workbox.routing.registerRoute(({ request }) => request.mode === "navigate", networkOnly);

async function warm(urls) {
  const unique = [...new Set(urls)].filter((href) => isOfflinePage(new URL(href, self.location.href)));
  // Two at a time: a slow link is shared with the officer's own browsing.
  const queue = unique.slice();
  async function worker() {
    while (queue.length) {
      const href = queue.shift();
      try {
        const request = new Request(href, { credentials: "same-origin", headers: { Accept: "text/html" } });
        await keepPage(request, await fetch(request));
      } catch (error) {
        // Offline or refused: the page keeps its previous copy, if any.
      }
    }
  }
  await Promise.all([worker(), worker()]);
}

async function tellPages(message) {
  const pages = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  pages.forEach((page) => page.postMessage(message));
}

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "user") {
    event.waitUntil(setCurrentUser(data.id));
  } else if (data.type === "warm" && Array.isArray(data.urls)) {
    event.waitUntil(warm(data.urls).then(() => tellPages({ type: "warmed" })));
  } else if (data.type === "parts" && Array.isArray(data.parts)) {
    event.waitUntil(takeParts(data.owner, data.parts));
  } else if (data.type === "parts-sent") {
    event.waitUntil(forgetParts());
  }
});

// Background Sync where the browser has it: wake the open pages, which send the queue.
self.addEventListener("sync", (event) => {
  if (event.tag === "ppkl-queue") {
    event.waitUntil(tellPages({ type: "sync" }));
  }
});

// --- sending with no page open ------------------------------------------------------------------
// The copy of the requests a page could not make: each with the page's CSRF token, the item it
// belongs to and its owner. Every request carries the id the phone made for it, so a request
// sent by both this worker and a page is stored once. Without Background Sync (Safari) Workbox
// replays at the worker's next start.
const RETRY_STATUSES = [408, 429];

async function hasOpenPage() {
  return (await self.clients.matchAll({ type: "window" })).length > 0;
}

async function replayParts({ queue }) {
  if ((await queue.size()) === 0) return;
  // An open page sends the queue itself and drops these copies when it has: wake it, and have
  // the browser ask again later (in case the page is closed before it is done).
  if (await hasOpenPage()) {
    await tellPages({ type: "sync" });
    throw new Error("a page is sending");
  }
  const user = await currentUser();
  const stopped = new Set();
  let entry;
  while ((entry = await queue.shiftRequest())) {
    const { item, owner } = entry.metadata || {};
    // Signed out, or another user on this phone: never sent under their session. After a
    // refused part, the rest of that item waits for the officer, as on the page.
    if (String(owner) !== user || stopped.has(item)) continue;
    let response;
    try {
      response = await fetch(entry.request.clone());
    } catch (error) {
      await queue.unshiftRequest(entry);
      throw error; // the browser tries again later
    }
    const json = (response.headers.get("Content-Type") || "").includes("json");
    if (response.status >= 500 || RETRY_STATUSES.includes(response.status) || !json) {
      await queue.unshiftRequest(entry);
      throw new Error(`status ${response.status}`);
    }
    if (response.status !== 200 && response.status !== 201) stopped.add(item);
  }
}

const parts = new workbox.backgroundSync.Queue("ppkl-parts", {
  maxRetentionTime: 7 * 24 * 60,
  onSync: replayParts,
});

async function forgetParts() {
  while (await parts.shiftRequest());
}

// A page hands over what it could not send: the new copy replaces the old one.
async function takeParts(owner, list) {
  await forgetParts();
  for (const part of list) {
    const request = new Request(new URL(part.url, self.location.origin), {
      method: "POST",
      headers: part.headers,
      body: part.body,
      credentials: "same-origin",
    });
    await parts.pushRequest({ request, metadata: { item: part.item, owner } });
  }
}
