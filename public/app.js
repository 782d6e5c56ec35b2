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

// Notifications when a reply or a backroom run ends (or pauses) while the
// page is hidden; the islands call these two. The service worker shows the
// notification, so a tap opens the page even from the background.
window.backroomsAskToNotify = () => {
  if ("Notification" in window && Notification.permission === "default") {
    Notification.requestPermission().catch(() => {});
  }
};
window.backroomsNotify = (title, body, url) => {
  if (!("Notification" in window) || Notification.permission !== "granted") return;
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker.ready
    .then((reg) => reg.showNotification(title, { body, tag: url, data: { url }, icon: "/icons/icon-192.png" }))
    .catch(() => {});
};
