/* Backrooms service worker: dependency-free, no importScripts, no CDN.
 *
 * Strategy
 *   - /api/, /fn/, /healthz: never touched (straight to the network, never cached).
 *   - Navigations: network first; offline -> the page's last copy for a
 *     visited thread or backroom (/c/N, /backrooms/N, the latest 40 kept in
 *     the "backrooms-pages" cache, emptied on sign-out), else /offline.html,
 *     which lists those copies.
 *   - Static assets (/pkg/, /icons/, /favicon.*, /manifest.webmanifest):
 *     network first (a server upgrade never pairs new HTML with an old wasm),
 *     refresh the cache on success, fall back to the cache when offline.
 *     /pkg/ names carry their content's hash, so they are cached as the
 *     pages use them, not ahead.
 *
 * Bump VERSION to drop every old cache on the next activation.
 */
"use strict";

const VERSION = "v4";
const CACHE = "backrooms-" + VERSION;
const OFFLINE_URL = "/offline.html";
// Visited threads and backrooms, readable offline (app.js and offline.js
// know this name too).
const PAGES = "backrooms-pages";
const PAGES_KEPT = 40;

const APP_SHELL = [
  OFFLINE_URL,
  "/offline.js",
  "/manifest.webmanifest",
  "/icons/icon.svg",
  "/icons/icon-192.png",
  "/favicon.svg",
];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) =>
        // Add each entry on its own so that one missing file never breaks installation.
        Promise.all(
          APP_SHELL.map((url) =>
            cache.add(new Request(url, { cache: "reload" })).catch((err) => {
              console.warn("[sw] could not pre-cache", url, err);
            })
          )
        )
      )
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(
          keys.filter((key) => key !== CACHE && key !== PAGES).map((key) => caches.delete(key))
        )
      )
      .then(() => self.clients.claim())
  );
});

function isBypassed(path) {
  return (
    path === "/api" ||
    path.startsWith("/api/") ||
    path === "/fn" ||
    path.startsWith("/fn/") ||
    path === "/healthz" ||
    path.startsWith("/healthz/")
  );
}

function isStaticAsset(path) {
  return (
    path.startsWith("/pkg/") ||
    path.startsWith("/icons/") ||
    path.startsWith("/favicon.") ||
    path === "/manifest.webmanifest" ||
    path === OFFLINE_URL ||
    path === "/offline.js"
  );
}

/** A thread or a backroom: its last copy stays readable offline. */
function isKeptPage(path) {
  return /^\/(c|backrooms)\/\d+$/.test(path);
}

/** Keeps `response` as the copy of `path`, the newest of PAGES_KEPT. */
async function keepPage(path, response) {
  const pages = await caches.open(PAGES);
  await pages.delete(path);
  await pages.put(path, response);
  const keys = await pages.keys();
  await Promise.all(keys.slice(0, Math.max(0, keys.length - PAGES_KEPT)).map((k) => pages.delete(k)));
}

async function networkFirstNavigation(event) {
  const request = event.request;
  const url = new URL(request.url);
  const path = url.pathname;
  try {
    const response = await fetch(request);
    const landed = new URL(response.url || request.url).pathname;
    if (landed === "/login") {
      // Signed out (or the session ended): forget every kept page.
      event.waitUntil(caches.delete(PAGES));
    } else if (response.ok && isKeptPage(path) && landed === path && url.search === "") {
      // Only the page itself (its latest messages), not a page further back.
      event.waitUntil(keepPage(path, response.clone()).catch(() => {}));
    }
    return response;
  } catch (err) {
    if (isKeptPage(path)) {
      const kept = await caches.open(PAGES).then((pages) => pages.match(path));
      if (kept) return kept;
    }
    const cache = await caches.open(CACHE);
    const offline = await cache.match(OFFLINE_URL);
    return (
      offline ||
      new Response("<!doctype html><title>Offline</title><p>You're offline.</p>", {
        status: 503,
        headers: { "Content-Type": "text/html; charset=utf-8" },
      })
    );
  }
}

/** `/pkg/backrooms.<hash>.wasm`: the cached `/pkg/backrooms.*.wasm` of other builds go. */
async function dropOlderBuilds(cache, url) {
  const m = /^\/pkg\/([^.]+)\.[^.]+\.([a-z]+)$/.exec(url.pathname);
  if (!m) return;
  const keys = await cache.keys();
  await Promise.all(
    keys
      .filter((k) => {
        const p = new URL(k.url).pathname;
        return p !== url.pathname && p.startsWith(`/pkg/${m[1]}.`) && p.endsWith(`.${m[2]}`);
      })
      .map((k) => cache.delete(k))
  );
}

async function networkFirstAsset(event) {
  const request = event.request;
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response && response.ok && response.type === "basic") {
      // Update the cache in the background; don't delay the page. A new
      // content-named pkg/ file replaces the older builds of the same file.
      const copy = response.clone();
      event.waitUntil(
        dropOlderBuilds(cache, new URL(request.url))
          .then(() => cache.put(request, copy))
          .catch(() => {
            /* quota or opaque response: ignore */
          })
      );
    }
    return response;
  } catch (err) {
    const cached = await cache.match(request, { ignoreSearch: true });
    if (cached) return cached;
    throw err;
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;

  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (isBypassed(url.pathname)) return; // network only, untouched

  if (request.mode === "navigate") {
    event.respondWith(networkFirstNavigation(event));
    return;
  }

  if (isStaticAsset(url.pathname)) {
    event.respondWith(networkFirstAsset(event));
  }
  // Anything else: let the browser handle it normally.
});

// A tap on a notification (a reply or a run that ended): the page it is
// about, in an open tab if there is one.
self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = new URL((event.notification.data && event.notification.data.url) || "/", self.location.origin);
  if (url.origin !== self.location.origin) return;
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((tabs) => {
      const open = tabs.find((t) => new URL(t.url).pathname === url.pathname);
      if (open) return open.focus();
      return self.clients.openWindow(url.href);
    })
  );
});
