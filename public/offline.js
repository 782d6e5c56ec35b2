// The offline page: lists the threads and backrooms this browser kept a
// copy of (the service worker's "backrooms-pages" cache), newest first.
"use strict";
(async () => {
  if (!("caches" in window)) return;
  const pages = await caches.open("backrooms-pages");
  const keys = (await pages.keys()).reverse();
  if (keys.length === 0) return;
  const list = document.getElementById("kept-list");
  for (const key of keys) {
    const response = await pages.match(key);
    if (!response) continue;
    const path = new URL(key.url).pathname;
    // DOMParser runs no script; the title becomes plain text.
    const title = new DOMParser().parseFromString(await response.text(), "text/html").title;
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = path;
    link.textContent = title.replace(/ · Backrooms$/, "") || path;
    const kind = document.createElement("span");
    kind.textContent = path.startsWith("/c/") ? " thread" : " backroom";
    item.append(link, kind);
    list.append(item);
  }
  document.getElementById("kept").hidden = false;
})();
