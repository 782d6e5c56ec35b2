// Registers the service worker (offline page, cached app shell, visited
// threads kept for offline reading). Plain JS so it runs before and without
// the WASM islands.
if ("serviceWorker" in navigator) {
  window.addEventListener("load", () => {
    navigator.serviceWorker.register("/sw.js").catch(() => {});
  });
}
// The sign-in page: nobody is signed in here, so no copy of anyone's
// threads stays in this browser.
if (location.pathname === "/login" && "caches" in window) {
  caches.delete("backrooms-pages").catch(() => {});
}
