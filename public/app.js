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

// Files in the chat composer: the attach and camera buttons, pasting and
// dropping. Each file is uploaded at once (POST /api/attachments); its id
// joins the composer's hidden `attachments` input, which the send reads,
// and a chip shows it (a thumbnail for a picture) with a button to drop it.
(() => {
  const MAX = 10;
  const idsOf = (form) => {
    const v = form.querySelector('input[name="attachments"]').value;
    return v ? v.split(",") : [];
  };
  const setIds = (form, ids) => {
    form.querySelector('input[name="attachments"]').value = ids.join(",");
  };
  const say = (form, text) => {
    let p = form.querySelector(".attach-error");
    if (!p) {
      p = document.createElement("p");
      p.className = "notice notice-error attach-error";
      p.setAttribute("role", "alert");
      form.querySelector(".composer-files").before(p);
    }
    p.textContent = text;
  };
  const add = async (form, file) => {
    const list = form.querySelector(".composer-files");
    if (!list) return;
    if (list.children.length >= MAX) {
      say(form, `A message takes at most ${MAX} files.`);
      return;
    }
    form.querySelector(".attach-error")?.remove();
    const chip = document.createElement("li");
    chip.className = "file-chip uploading";
    chip.textContent = file.name || "pasted picture";
    list.append(chip);
    const body = new FormData();
    body.append("file", file, file.name || "pasted.png");
    try {
      const res = await fetch("/api/attachments", { method: "POST", body, credentials: "same-origin" });
      const data = await res.json().catch(() => ({}));
      if (!res.ok) {
        chip.remove();
        say(form, data.error || "The file could not be attached.");
        return;
      }
      chip.className = "file-chip";
      chip.dataset.id = data.id;
      chip.textContent = "";
      if (data.kind === "image") {
        const img = document.createElement("img");
        img.src = `/api/attachments/${data.id}`;
        img.alt = data.name;
        chip.append(img);
      } else {
        const name = document.createElement("span");
        name.className = "attachment-name";
        name.textContent = data.name;
        chip.append(name);
      }
      const drop = document.createElement("button");
      drop.type = "button";
      drop.className = "file-remove";
      drop.setAttribute("aria-label", `Remove ${data.name}`);
      drop.textContent = "×";
      drop.addEventListener("click", () => {
        setIds(form, idsOf(form).filter((id) => id !== String(data.id)));
        chip.remove();
        fetch(`/api/attachments/${data.id}`, { method: "DELETE", credentials: "same-origin" }).catch(() => {});
      });
      chip.append(drop);
      setIds(form, [...idsOf(form), String(data.id)]);
    } catch {
      chip.remove();
      say(form, "The file could not be attached.");
    }
  };
  const composerOf = (el) => (el && el.closest ? el.closest("form.composer") : null);
  document.addEventListener("change", (ev) => {
    const input = ev.target;
    if (!input.matches || !input.matches("input[data-attach]")) return;
    const form = composerOf(input);
    if (form) [...input.files].forEach((file) => add(form, file));
    input.value = "";
  });
  document.addEventListener("paste", (ev) => {
    const form = composerOf(ev.target);
    const files = ev.clipboardData ? [...ev.clipboardData.files] : [];
    if (!form || files.length === 0) return;
    ev.preventDefault();
    files.forEach((file) => add(form, file));
  });
  document.addEventListener("dragover", (ev) => {
    if (composerOf(ev.target) && ev.dataTransfer && [...ev.dataTransfer.types].includes("Files")) ev.preventDefault();
  });
  document.addEventListener("drop", (ev) => {
    const form = composerOf(ev.target);
    if (!form || !ev.dataTransfer || ev.dataTransfer.files.length === 0) return;
    ev.preventDefault();
    [...ev.dataTransfer.files].forEach((file) => add(form, file));
  });
  window.backroomsClearAttachments = () => {
    document.querySelectorAll("form.composer").forEach((form) => {
      setIds(form, []);
      form.querySelectorAll(".composer-files li").forEach((li) => li.remove());
    });
  };
})();
