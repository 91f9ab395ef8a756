// Clipset's service worker: keeps the app's files so it opens fast, and an offline page
// for when the server can't be reached. The API and media are never cached here.
const SHELL = "clipset-shell-v2";
const ASSETS = "clipset-assets";
const OFFLINE = "/offline.html";
const SHELL_FILES = [OFFLINE, "/offline.js", "/icons/icon-192.png", "/manifest.webmanifest"];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL).then((c) => c.addAll(SHELL_FILES)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((n) => n !== SHELL && n !== ASSETS).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith("/api/") || url.pathname.startsWith("/media/")) return;

  if (request.mode === "navigate") {
    // Always the newest app from the server; the offline page only when it can't answer.
    event.respondWith(fetch(request).catch(() => caches.match(OFFLINE)));
    return;
  }
  if (SHELL_FILES.includes(url.pathname)) {
    // What the offline page needs, from the network when it answers.
    event.respondWith(fetch(request).catch(() => caches.match(request)));
    return;
  }
  if (url.pathname.startsWith("/assets/")) {
    // Hashed names never change: once fetched, a file is good forever.
    event.respondWith(
      caches.open(ASSETS).then(async (cache) => {
        const hit = await cache.match(request);
        if (hit) return hit;
        const response = await fetch(request);
        if (response.ok) cache.put(request, response.clone());
        return response;
      }),
    );
  }
});
