// The send queue: one IndexedDB database per user (ppkl-queue-<user id>), so a second user on the
// same phone opens a different database and never sees or sends the first user's items.
//
// An item is one thing the officer did: a visit, with its photos and possibly the RAT-held move.
// Its parts are sent in order and each part is marked done only when the server confirmed it;
// the photo files are kept in a store of their own until their upload is confirmed.
import { openDB } from "../vendor/idb-8.0.4/idb.js";

const SENT_KEPT_MS = 7 * 24 * 3600 * 1000;
const channel = "BroadcastChannel" in self ? new BroadcastChannel("ppkl-queue") : null;
const listeners = new Set();

export const STATES = ["waiting", "sending", "sent", "refused"];

export function databaseName(userId) {
  return `ppkl-queue-${userId}`;
}

const opened = new Map();

export function openQueue(userId) {
  if (!opened.has(userId)) {
    opened.set(
      userId,
      openDB(databaseName(userId), 1, {
        upgrade(db) {
          const items = db.createObjectStore("items", { keyPath: "id" });
          items.createIndex("created_at", "created_at");
          const files = db.createObjectStore("files", { keyPath: "id" });
          files.createIndex("item_id", "item_id");
        },
      }),
    );
  }
  return opened.get(userId);
}

function announce() {
  listeners.forEach((listener) => listener());
  if (channel) channel.postMessage("changed");
}

if (channel) channel.onmessage = () => listeners.forEach((listener) => listener());

export function onChange(listener) {
  listeners.add(listener);
}

export async function addItem(userId, item, files) {
  const db = await openQueue(userId);
  const tx = db.transaction(["items", "files"], "readwrite");
  await Promise.all([
    tx.objectStore("items").put(item),
    ...files.map((file) => tx.objectStore("files").put({ ...file, item_id: item.id })),
    tx.done,
  ]);
  announce();
}

export async function listItems(userId) {
  const db = await openQueue(userId);
  const items = await db.getAllFromIndex("items", "created_at");
  return items;
}

export async function getItem(userId, id) {
  return (await openQueue(userId)).get("items", id);
}

export async function getFile(userId, id) {
  return (await openQueue(userId)).get("files", id);
}

export async function putItem(userId, item) {
  await (await openQueue(userId)).put("items", item);
  announce();
}

export async function deleteFile(userId, id) {
  await (await openQueue(userId)).delete("files", id);
}

export async function removeItem(userId, id) {
  const db = await openQueue(userId);
  const tx = db.transaction(["items", "files"], "readwrite");
  const files = await tx.objectStore("files").index("item_id").getAllKeys(id);
  await Promise.all([
    ...files.map((key) => tx.objectStore("files").delete(key)),
    tx.objectStore("items").delete(id),
    tx.done,
  ]);
  announce();
}

export function isPending(item) {
  return item.state !== "sent";
}

export async function pendingCount(userId) {
  return (await listItems(userId)).filter(isPending).length;
}

// Sent items stay listed a week as a receipt, without their content.
export async function pruneSent(userId) {
  const now = Date.now();
  for (const item of await listItems(userId)) {
    if (item.state === "sent" && now - Date.parse(item.sent_at) > SENT_KEPT_MS) {
      await removeItem(userId, item.id);
    }
  }
}
