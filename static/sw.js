/* Service worker of a site built with --offline. After the first visit it holds every page and
   asset of the site in the browser's cache, so the schedule works in a hall without network.
   The build fills in BUILD (a hash of every file) and FILES: a new build makes a new worker,
   which the browser installs with fresh files, then drops the old ones. */
"use strict";

const BUILD = "__PRETALX_STATIC_BUILD__";
const FILES = [/* __PRETALX_STATIC_FILES__ */];
const PREFIX = "pretalx-static-";
const CACHE = PREFIX + BUILD;
const ROOT = self.registration.scope; // the site's root: sw.js is served from there
const NETWORK_WAIT_MS = 3000; // on bad Wi-Fi, show the cached page rather than wait

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE)
      // "reload": fetch from the server, not from the browser's HTTP cache, which may hold older files
      .then((cache) => cache.addAll(FILES.map((file) => new Request(new URL(file, ROOT), { cache: "reload" }))))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((key) => key.startsWith(PREFIX) && key !== CACHE)
        .map((key) => caches.delete(key))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || !request.url.startsWith(ROOT)) return;
  event.respondWith(request.mode === "navigate" ? networkFirst(request) : cacheFirst(request));
});

/* The cached copy of a URL; a folder URL (…/talk/ABC/) is its index.html. */
async function cached(request) {
  const cache = await caches.open(CACHE);
  const url = new URL(request.url);
  url.hash = "";
  url.search = "";
  if (url.pathname.endsWith("/")) url.pathname += "index.html";
  return cache.match(url.href);
}

/* Pages: the newest from the network when it answers soon, else the cached one, else the 404 page. */
async function networkFirst(request) {
  const network = fetch(request);
  network.catch(() => {}); // when the cached copy is shown instead, a failure later is nobody's concern
  const late = new Promise((resolve) => setTimeout(resolve, NETWORK_WAIT_MS));
  try {
    const first = await Promise.race([network, late]);
    if (first) return first;
    return (await cached(request)) || (await network);
  } catch (error) {
    const copy = await cached(request);
    if (copy) return copy;
    const missing = await caches.match(new URL("404.html", ROOT).href);
    if (missing) return missing;
    throw error;
  }
}

/* Assets and feeds: the cached copy (it belongs to this build), else the network, keeping what it sends. */
async function cacheFirst(request) {
  const copy = await cached(request);
  if (copy) return copy;
  const response = await fetch(request);
  if (response.ok) {
    const cache = await caches.open(CACHE);
    cache.put(request, response.clone());
  }
  return response;
}
