// appreg's service worker, served at /sw.js. The server fills in BUILD from the build it serves (the files
// of index.html and their hashes), so every build has its own worker and its own cache:
//
// - install: precaches the app shell (index.html) and the build's hashed JS, wasm and CSS, all or nothing;
// - a new build waits: the page shows "A new version is available — Reload" and the new worker takes over
//   only when the user chooses Reload, so one page never mixes files of two builds;
// - navigations to the app ("/") and the build's files are answered from this build's cache, even online;
// - the last answers to /api/v1/me, /api/v1/templates and the partner's page and app list are kept for an
//   offline start, with the time they were received (header x-appreg-stored-at); sign-out forgets them;
// - "Create Application" requests queued offline are sent by Background Sync when no page of the app is
//   open (an open page sends its own queue when it is back online), with their idempotency key, so the
//   server creates each app once whoever sends it first.
const BUILD = "__APPREG_BUILD__";
const SHELL = `appreg-shell-${BUILD.id}`;
const DATA = "appreg-data";
const OUTBOX = "appreg-outbox";
const KEPT = [
  /^\/api\/v1\/me$/,
  /^\/api\/v1\/templates$/,
  /^\/api\/v1\/partners\/[^/]+$/,
  /^\/api\/v1\/partners\/[^/]+\/applications$/,
];

// The HTTP cache may answer: the hashed files are immutable (the page has just downloaded them, so a first
// visit does not download the build twice), and index.html is revalidated (no-cache). The page is asked
// for without cookies: the shell kept here is the shared page, never one written for the signed-in user
// (the server writes those only for navigations anyway; crates/server/src/page.rs).
self.addEventListener("install", (event) => {
  const requests = BUILD.files.map((f) => (f === "/" ? new Request(f, { credentials: "omit" }) : f));
  event.waitUntil(caches.open(SHELL).then((cache) => cache.addAll(requests)));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("appreg-shell-") && k !== SHELL).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("message", (event) => {
  const m = event.data || {};
  if (m.type === "skip-waiting") self.skipWaiting();
  else if (m.type === "queue") event.waitUntil(queue(m));
  else if (m.type === "sent") event.waitUntil(caches.open(OUTBOX).then((c) => c.delete(outboxUrl(m.key))));
  else if (m.type === "build") event.source?.postMessage({ type: "build", id: BUILD.id });
});

self.addEventListener("fetch", (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (req.mode === "navigate" && (url.pathname === "/" || url.pathname === "/index.html")) {
    event.respondWith(fromShell("/", req));
  } else if (req.method === "GET" && BUILD.files.includes(url.pathname) && url.pathname !== "/") {
    event.respondWith(fromShell(url.pathname, req));
  } else if (req.method === "GET" && KEPT.some((re) => re.test(url.pathname))) {
    event.respondWith(kept(req, url));
  } else if (req.method === "DELETE" && url.pathname === "/api/v1/session") {
    event.respondWith(fetch(req).finally(forget));
  }
});

async function fromShell(path, req) {
  const hit = await caches.open(SHELL).then((c) => c.match(path));
  return hit || fetch(req);
}

// Network first; the last good answer when the network fails.
async function kept(req, url) {
  const cache = await caches.open(DATA);
  let res;
  try {
    res = await fetch(req);
  } catch (e) {
    const hit = await cache.match(req);
    if (hit) return hit;
    throw e;
  }
  if (res.ok) {
    const headers = new Headers(res.headers);
    headers.set("x-appreg-stored-at", new Date().toISOString());
    const copy = new Response(await res.clone().blob(), { status: res.status, statusText: res.statusText, headers });
    await cache.put(req, copy);
  } else if (res.status === 401 && url.pathname === "/api/v1/me") {
    await forget();
  }
  return res;
}

// Signed out: nothing of the account stays on the device.
function forget() {
  return Promise.all([caches.delete(DATA), caches.delete(OUTBOX)]);
}

const outboxUrl = (key) => new URL(`/__appreg/outbox/${encodeURIComponent(key)}`, self.location.origin).href;

async function queue(m) {
  const cache = await caches.open(OUTBOX);
  const item = { key: m.key, url: m.url, body: m.body };
  await cache.put(outboxUrl(m.key), new Response(JSON.stringify(item), { headers: { "content-type": "application/json" } }));
  try {
    await self.registration.sync?.register("appreg-outbox");
  } catch {
    // No Background Sync here (or not allowed): the page sends the queue on its `online` event.
  }
}

self.addEventListener("sync", (event) => {
  if (event.tag === "appreg-outbox") event.waitUntil(sendQueue());
});

async function sendQueue() {
  const windows = await self.clients.matchAll({ type: "window" });
  if (windows.length > 0) {
    // An open page owns its queue (it shows the result): ask it to send now.
    windows.forEach((w) => w.postMessage({ type: "flush" }));
    return;
  }
  const cache = await caches.open(OUTBOX);
  for (const req of await cache.keys()) {
    const item = await (await cache.match(req)).json();
    // A network failure rejects, and the browser retries the sync later.
    await fetch(item.url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "content-type": "application/json", "idempotency-key": item.key, "x-requested-with": "appreg" },
      body: item.body,
    });
    // Answered: the next visit sends the same key again and the server replays this answer.
    await cache.delete(req);
  }
}
