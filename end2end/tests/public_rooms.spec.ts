import { devices, expect, request, test } from "@playwright/test";
import { FAKE_KEY, startFakeProvider } from "./fake-provider";
import { ADMIN, PASSWORD, signUpViaApi, uniqueUser, waitHydrated } from "./helpers";

// A desktop owner publishes a run; a signed-out phone watches it live,
// sees the viewer count change, and is told when the owner revokes.
test("a signed-out phone watches a published run until the owner revokes it", async ({ page, browser }, info) => {
  test.skip(info.project.name !== "desktop", "one owner on a desktop, one viewer on a phone");
  const fake = await startFakeProvider();
  const slug = uniqueUser(info, "pub").toLowerCase().replace(/[^a-z0-9]/g, "").slice(0, 24);
  const admin = await request.newContext({ baseURL: info.project.use.baseURL });
  expect((await admin.post("/api/auth/login", { data: { username: ADMIN, password: PASSWORD } })).ok()).toBeTruthy();
  const p = await admin.post("/api/config/providers", {
    data: { name: `Stage ${slug}`, provider_sdk_id: slug, api_format: "openai", base_url: fake.base, api_key: FAKE_KEY },
  });
  expect(p.status()).toBe(201);
  const m = await admin.post("/api/config/models", { data: { provider_id: (await p.json()).id, model_sdk_id: "chunks-30-80" } });
  expect(m.status()).toBe(201);
  const model = (await m.json()).id;
  await admin.dispose();

  await signUpViaApi(page, uniqueUser(info, "owner"));
  const seats: number[] = [];
  for (const name of ["Ada", "Bob"]) {
    const res = await page.request.post("/api/agents", { data: { name, model_id: model, system_prompt: `Prompt of ${name}.` } });
    seats.push((await res.json()).id);
  }
  const r = await page.request.post("/api/backrooms", { data: { title: "Stage run", participants: seats, max_turns: 6, guards: { loop_overlap: 0 } } });
  expect(r.status()).toBe(201);
  const room = (await r.json()).id;
  await page.goto(`/backrooms/${room}`);
  await waitHydrated(page, ".room");
  await page.getByRole("button", { name: "Publish" }).click();
  const link = page.locator(".room-public a.public-link");
  await expect(link).toBeVisible();
  const path = (await link.getAttribute("href"))!;
  expect(path).toMatch(/^\/b\/[0-9a-f]{48}$/);

  // The phone: no account, no cookies.
  const phone = await browser.newContext({ ...devices["Pixel 7"], baseURL: info.project.use.baseURL });
  const viewer = await phone.newPage();
  await viewer.goto(path);
  await waitHydrated(viewer, ".room");
  await expect(viewer.getByRole("heading", { name: "Stage run" })).toBeVisible();
  await expect(viewer.getByRole("button", { name: "Start" })).toHaveCount(0);
  await expect(viewer.locator(".room-viewers")).toHaveText("2 watching");

  // Another viewer comes and goes: the phone's count follows.
  const second = await phone.newPage();
  await second.goto(path);
  await waitHydrated(second, ".room");
  await expect(viewer.locator(".room-viewers")).toHaveText("3 watching");
  await second.close();
  await expect(viewer.locator(".room-viewers")).toHaveText("2 watching");

  // The owner starts the run; the phone sees the words arrive.
  await page.locator(".room-bar").getByRole("button", { name: "Start" }).click();
  await viewer.locator("label[for^=view-term]").click();
  await expect(viewer.locator(".term-turn").first()).toContainText("w0 w1", { timeout: 15_000 });
  await expect(viewer.locator("body")).not.toContainText("Prompt of Ada");

  // The owner revokes: the phone is told at once.
  await page.getByRole("button", { name: "Revoke link" }).click();
  await expect(viewer.locator(".room-revoked")).toBeVisible();
  const gone = await phone.request.get(path);
  expect(gone.status()).toBe(404);
  await phone.close();
  await page.locator(".room-bar").getByRole("button", { name: "Stop" }).click();
  await fake.close();
});

// Without JavaScript a public room is its transcript, reloading itself.
test("without JavaScript a public room shows its transcript and reloads", async ({ page, browser }, info) => {
  test.skip(info.project.use.javaScriptEnabled !== false, "the page without scripts");
  const fake = await startFakeProvider();
  const slug = uniqueUser(info, "pnj").toLowerCase().replace(/[^a-z0-9]/g, "").slice(0, 24);
  const admin = await request.newContext({ baseURL: info.project.use.baseURL });
  expect((await admin.post("/api/auth/login", { data: { username: ADMIN, password: PASSWORD } })).ok()).toBeTruthy();
  const p = await admin.post("/api/config/providers", {
    data: { name: `Quiet ${slug}`, provider_sdk_id: slug, api_format: "openai", base_url: fake.base, api_key: FAKE_KEY },
  });
  const m = await admin.post("/api/config/models", { data: { provider_id: (await p.json()).id, model_sdk_id: "chunks-3-0" } });
  const model = (await m.json()).id;
  await admin.dispose();
  await signUpViaApi(page, uniqueUser(info, "nojsowner"));
  const seats: number[] = [];
  for (const name of ["Ada", "Bob"]) {
    seats.push((await (await page.request.post("/api/agents", { data: { name, model_id: model } })).json()).id);
  }
  const room = (await (await page.request.post("/api/backrooms", { data: { title: "Quiet run", participants: seats, max_turns: 2 } })).json()).id;
  const link = await (await page.request.post(`/api/backrooms/${room}/publish`, { data: {} })).json();

  const anon = await browser.newContext({ javaScriptEnabled: false, baseURL: info.project.use.baseURL });
  const viewer = await anon.newPage();
  await viewer.goto(link.url);
  await expect(viewer.getByRole("heading", { name: "Quiet run" })).toBeVisible();
  await expect(viewer.locator('meta[http-equiv="refresh"]')).toHaveCount(1);
  await expect(viewer.getByRole("button", { name: "Start" })).toHaveCount(0);
  // The owner runs it; a reload shows the turns.
  expect((await page.request.post(`/api/backrooms/${room}/start`)).status()).toBe(200);
  await expect(async () => {
    await viewer.reload();
    await expect(viewer.locator(".term-turn")).toHaveCount(2, { timeout: 500 });
  }).toPass();
  await expect(viewer.locator(".term-turn").first()).toContainText("w0 w1 w2");
  await anon.close();
  await fake.close();
});
