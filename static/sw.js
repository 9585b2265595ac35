/* Service worker of a site built with --offline: the schedule in the visitor's language works without network.

   - Install (first visit): the shell (SITE.shell: CSS, scripts) and the home and offline pages of the visitor's
     locale, i.e. the locale of the page that registered the worker: a few dozen KB, not the whole site.
   - Every page visited is kept (the newest from the network, the kept copy when the network fails or is slow).
   - In the background, once the worker runs: the rest of each locale the visitor has opened, from the locale's
     manifest (pages, .ics feeds, search index), two files at a time, at low priority, waiting while the visitor's
     own requests are under way. Not when the browser asks to save data (Save-Data, navigator.connection.saveData):
     then only what is visited is kept. The browser may stop a worker after a few minutes of such work; the next
     page visited carries on where it stopped.
   - Offline, a page not kept: the offline page of the locale in its URL, with status 404.
   The build fills in BUILD (a hash of everything the worker saves) and SITE (generator/offline.py): a new build
   makes a new worker with a new cache, which copies the files that did not change from the previous build's
   cache (manifests give each file's digest), then drops the old cache. */
"use strict";

const BUILD = "__PRETALX_STATIC_BUILD__";
const SITE = {/* __PRETALX_STATIC_SITE__ */};
const PREFIX = "pretalx-static-";
const CACHE = PREFIX + BUILD;
const ROOT = self.registration.scope; // the site's root: sw.js is served from there
const NETWORK_WAIT_MS = 3000; // on bad Wi-Fi, show the kept page rather than wait
const FILL_CONCURRENCY = 2; // background downloads at a time: enough on a good network, little on a bad one
const COPY_BATCH = 50; // files copied from the previous build's cache at a time; downloads between two checks
                       // that this build is still the current one

const address = (path) => new URL(path, ROOT).href;
const has = (object, key) => Object.prototype.hasOwnProperty.call(object, key);

/* The locale a URL of the site is in (its first path segment), or null (the root's pages, static files). */
function localeOf(url) {
  if (!url.startsWith(ROOT)) return null;
  const first = url.slice(ROOT.length).split(/[/?#]/)[0];
  return has(SITE.locales, first) ? first : null;
}

let savesData = false; // a page said the browser saves data (sw-register.js), for this run of the worker

function savingData(request) {
  const connection = self.navigator.connection;
  return savesData || Boolean((connection && connection.saveData) ||
                              (request && request.headers.get("Save-Data") === "on"));
}

/* The cache of this build, or null once a newer build's worker has dropped it (this worker is then obsolete:
   opening the name again would bring the dropped cache back). */
async function ourCache() {
  return (await caches.has(CACHE)) ? caches.open(CACHE) : null;
}

// "no-cache": ask the server (a conditional request, cheap when the browser's copy is current), not a stale copy
function download(path, priority) {
  return fetch(new Request(address(path), { cache: "no-cache", priority: priority || "auto" }));
}

async function save(cache, path, priority) {
  const response = await download(path, priority);
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  await cache.put(address(path), response);
}

/* ---- install: shell and start pages; unchanged files of the previous build copied ---- */

self.addEventListener("install", (event) => {
  event.waitUntil(install().then(() => self.skipWaiting()));
});

async function install() {
  const cache = await caches.open(CACHE);
  const previous = (await caches.keys()).filter((key) => key.startsWith(PREFIX) && key !== CACHE).pop();
  const old = previous ? await caches.open(previous) : null;
  const locales = await wantedLocales(old);
  if (old) {
    for (const locale of locales) await copyUnchanged(old, cache, locale);
  }
  const needed = [...SITE.shell.map(([path]) => path), ...locales.flatMap((locale) => SITE.locales[locale].start)];
  const kept = new Set((await cache.keys()).map((request) => request.url));
  await Promise.all(needed.filter((path) => !kept.has(address(path))).map((path) => save(cache, path)));
}

/* The locales of the open pages (the one that registered the worker among them) and those the previous build's
   cache held; the site's default locale when there are none (a visit to the root's language chooser). */
async function wantedLocales(old) {
  const wanted = new Set();
  for (const client of await self.clients.matchAll({ type: "window", includeUncontrolled: true })) {
    const locale = localeOf(client.url);
    if (locale) wanted.add(locale);
  }
  if (old) {
    for (const locale of Object.keys(SITE.locales)) {
      if (await old.match(address(SITE.locales[locale].missing))) wanted.add(locale);
    }
  }
  if (!wanted.size) wanted.add(SITE.default);
  return [...wanted].sort();
}

/* Copy into `cache` every file of `locale` whose digest is the same in the previous build's manifest: an update
   downloads only what changed (the shell, a few files, is asked for again: conditional requests, cheap). */
async function copyUnchanged(old, cache, locale) {
  const manifestPath = SITE.locales[locale].manifest;
  const before = await old.match(address(manifestPath));
  if (!before) return; // the previous build never saved this locale in the background: nothing to compare
  const response = await download(manifestPath);
  if (!response.ok) return;
  const now = await response.clone().json();
  await cache.put(address(manifestPath), response);
  const digests = new Map((await before.json()).files);
  const same = now.files.filter(([path, digest]) => digests.get(path) === digest).map(([path]) => address(path));
  for (let start = 0; start < same.length; start += COPY_BATCH) {
    await Promise.all(same.slice(start, start + COPY_BATCH).map(async (url) => {
      const copy = await old.match(url);
      if (copy) await cache.put(url, copy);
    }));
  }
}

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((key) => key.startsWith(PREFIX) && key !== CACHE)
        .map((key) => caches.delete(key))))
      .then(() => self.clients.claim())
  );
});

/* ---- background: the rest of each locale the visitor has opened ---- */

const filled = new Set(); // locales complete in this build's cache (for this run of the worker)
const filling = new Map(); // locale → its fill under way

/* Start pages of `locale` (a language the visitor switched to), then the rest of every locale opened so far. */
async function adopt(locale, request) {
  const cache = await ourCache();
  if (!cache) return;
  if (locale) {
    await Promise.all(SITE.locales[locale].start.map(async (path) => {
      if (!(await cache.match(address(path)))) await save(cache, path);
    }));
  }
  if (savingData(request)) return;
  const opened = [];
  for (const other of Object.keys(SITE.locales).sort()) {
    if (await cache.match(address(SITE.locales[other].missing))) opened.push(other);
  }
  opened.sort((a, b) => (b === locale) - (a === locale)); // the visitor's current language first
  for (const other of opened) await fill(other);
}

function fill(locale) {
  if (filled.has(locale)) return Promise.resolve();
  if (!filling.has(locale)) {
    filling.set(locale, fillLocale(locale).then(() => filled.add(locale)).finally(() => filling.delete(locale)));
  }
  return filling.get(locale);
}

async function fillLocale(locale) {
  const cache = await ourCache();
  if (!cache) return;
  const manifestUrl = address(SITE.locales[locale].manifest);
  const complete = `${manifestUrl}?complete`; // marks a locale saved whole: no need to list the cache again
  if (await cache.match(complete)) return;
  let manifest = await cache.match(manifestUrl);
  if (!manifest) {
    await save(cache, SITE.locales[locale].manifest, "low");
    manifest = await cache.match(manifestUrl);
  }
  const kept = new Set((await cache.keys()).map((request) => request.url));
  const missing = (await manifest.json()).files.map(([path]) => path).filter((path) => !kept.has(address(path)));
  let next = 0;
  async function lane() {
    while (next < missing.length) {
      const path = missing[next++];
      if (next % COPY_BATCH === 0 && !(await caches.has(CACHE))) return; // a newer build took over: stop
      await visitorIdle();
      await save(cache, path, "low"); // a failure (the network gone) stops the fill; the next visit resumes it
    }
  }
  await Promise.all(Array.from({ length: FILL_CONCURRENCY }, lane));
  await cache.put(complete, new Response(""));
}

// the visitor's requests under way: the background waits for them
let visitorRequests = 0;
let waiting = [];

function track(answer) {
  visitorRequests += 1;
  answer.catch(() => {}).then(() => {
    visitorRequests -= 1;
    if (!visitorRequests) waiting.splice(0).forEach((resume) => resume());
  });
}

function visitorIdle() {
  return visitorRequests ? new Promise((resume) => waiting.push(resume)) : Promise.resolve();
}

/* A page tells the worker it has loaded (sw-register.js), and whether the browser saves data: a first visit starts
   the background work here, as the page was loaded before the worker ran. */
self.addEventListener("message", (event) => {
  const data = event.data;
  if (!data || data.loaded !== true || !event.source) return;
  if (data.saveData) savesData = true;
  event.waitUntil(adopt(localeOf(event.source.url), null).catch(() => {}));
});

/* ---- answering the visitor ---- */

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || !request.url.startsWith(ROOT)) return;
  const navigation = request.mode === "navigate";
  const answer = navigation ? page(request, event) : asset(request, event);
  track(answer);
  event.respondWith(answer);
  if (navigation) {
    event.waitUntil(answer.catch(() => {}).then(() => adopt(localeOf(request.url), request)).catch(() => {}));
  }
});

/* The kept copy of a URL; a folder URL (…/talk/ABC/) is its index.html. */
function key(request) {
  const url = new URL(request.url);
  url.hash = "";
  url.search = "";
  if (url.pathname.endsWith("/")) url.pathname += "index.html";
  return url.href;
}

/* The kept copy of a request; for a page of a folder named without its slash (…/talk/ABC), a redirect to the
   folder, as a server answers (the page's relative links count from the folder). */
async function cached(request) {
  const cache = await ourCache();
  if (!cache) return undefined;
  const url = key(request);
  const copy = await cache.match(url);
  if (copy || request.mode !== "navigate" || /\.[^/]*$/.test(new URL(url).pathname)) return copy;
  if (!(await cache.match(`${url}/index.html`))) return undefined;
  const folder = new URL(request.url);
  folder.pathname += "/";
  return Response.redirect(folder.href, 302);
}

/* Keep a copy of what the network sent for a file of the site (not a redirect: a page must not answer with one). */
async function keep(request, response) {
  if (!response.ok || response.redirected || response.type !== "basic") return;
  const cache = await ourCache();
  if (cache) await cache.put(key(request), response);
}

/* Pages: the newest from the network when it answers soon, else the kept one, else the locale's offline page. */
async function page(request, event) {
  const network = fetch(request).then((response) => {
    event.waitUntil(keep(request, response.clone()).catch(() => {}));
    return response;
  });
  network.catch(() => {}); // when the kept copy is shown instead, a failure later is nobody's concern
  const late = new Promise((resolve) => setTimeout(resolve, NETWORK_WAIT_MS));
  try {
    const first = await Promise.race([network, late]);
    if (first) return first;
    return (await cached(request)) || (await network);
  } catch (error) {
    const copy = await cached(request);
    if (copy) return copy;
    const missing = await offlinePage(request.url);
    if (missing) return missing;
    throw error;
  }
}

/* The offline page of the URL's locale (else of the default locale, else of any kept), with status 404, served at
   the URL asked for: a <base> names its own address so its relative links work at any depth, and its in-page
   links (#main) name the page asked for, so that they stay on it. */
async function offlinePage(url) {
  const cache = await ourCache();
  if (!cache) return null;
  const locale = localeOf(url);
  const order = [locale, SITE.default, ...Object.keys(SITE.locales).sort()].filter(Boolean);
  for (const candidate of order) {
    const own = address(SITE.locales[candidate].missing);
    const copy = await cache.match(own);
    if (!copy) continue;
    const here = url.split("#")[0];
    const html = (await copy.text())
      .replace(/<head>/i, () => `<head><base href="${own}">`) // functions: a "$" in a URL is not a pattern
      .replace(/ href="#/g, () => ` href="${here}#`);
    return new Response(html, { status: 404, statusText: "Not Found",
                                headers: { "Content-Type": "text/html; charset=utf-8" } });
  }
  return null;
}

/* Assets and feeds: the kept copy (it belongs to this build), else the network, keeping what it sends. */
async function asset(request, event) {
  const copy = await cached(request);
  if (copy) return copy;
  const response = await fetch(request);
  event.waitUntil(keep(request, response.clone()).catch(() => {}));
  return response;
}
