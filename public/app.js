// Registers the service worker (offline page, cached app shell). Plain JS so
// it runs before and without the WASM islands.
if ("serviceWorker" in navigator) {
  window.addEventListener("load", () => {
    navigator.serviceWorker.register("/sw.js").catch(() => {});
  });
}
