/* Backrooms service worker: dependency-free, no importScripts, no CDN.
 *
 * Strategy
 *   - /api/, /fn/, /healthz: never touched (straight to the network, never cached).
 *   - Navigations: network first; offline -> cached /offline.html.
 *   - Static assets (/pkg/, /icons/, /favicon.*, /manifest.webmanifest):
 *     network first (a server upgrade never pairs new HTML with an old wasm),
 *     refresh the cache on success, fall back to the cache when offline.
 *
 * Bump VERSION to drop every old cache on the next activation.
 */
"use strict";

const VERSION = "v2";
const CACHE = "backrooms-" + VERSION;
const OFFLINE_URL = "/offline.html";

const APP_SHELL = [
  OFFLINE_URL,
  "/pkg/backrooms.css",
  "/pkg/backrooms.js",
  "/pkg/backrooms.wasm",
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
        Promise.all(keys.filter((key) => key !== CACHE).map((key) => caches.delete(key)))
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
    path === OFFLINE_URL
  );
}

async function networkFirstNavigation(request) {
  try {
    return await fetch(request);
  } catch (err) {
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

async function networkFirstAsset(event) {
  const request = event.request;
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response && response.ok && response.type === "basic") {
      // Update the cache in the background; don't delay the page.
      event.waitUntil(
        cache.put(request, response.clone()).catch(() => {
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
    event.respondWith(networkFirstNavigation(request));
    return;
  }

  if (isStaticAsset(url.pathname)) {
    event.respondWith(networkFirstAsset(event));
  }
  // Anything else: let the browser handle it normally.
});
