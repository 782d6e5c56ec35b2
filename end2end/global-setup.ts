// `cargo leptos end-to-end` starts the server and Playwright together: wait
// until the server answers, then create the admin account and open
// registration so every project can sign up its own users.
import { ADMIN, PASSWORD } from "./tests/helpers";

export default async function globalSetup() {
  const base = process.env.BASE_URL ?? "http://127.0.0.1:3000";
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      const r = await fetch(`${base}/healthz`);
      if (r.ok) break;
    } catch {}
    if (Date.now() > deadline) throw new Error(`server at ${base} did not come up within 120s`);
    await new Promise((r) => setTimeout(r, 250));
  }

  const json = { "content-type": "application/json" };
  let res = await fetch(`${base}/api/auth/register`, {
    method: "POST",
    headers: json,
    body: JSON.stringify({ username: ADMIN, password: PASSWORD }),
  });
  if (res.status === 403 || res.status === 409) {
    res = await fetch(`${base}/api/auth/login`, {
      method: "POST",
      headers: json,
      body: JSON.stringify({ username: ADMIN, password: PASSWORD }),
    });
  }
  if (!res.ok) throw new Error(`could not create or sign in the admin: ${res.status} ${await res.text()}`);
  const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0];
  const open = await fetch(`${base}/api/admin/settings`, {
    method: "PUT",
    headers: { ...json, cookie },
    body: JSON.stringify({ registration_open: true }),
  });
  if (!open.ok) throw new Error(`could not open registration: ${open.status}`);
}
