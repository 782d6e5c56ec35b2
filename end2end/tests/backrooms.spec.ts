import { expect, request, test } from "@playwright/test";
import { readFile } from "node:fs/promises";
import { FAKE_KEY, startFakeProvider } from "./fake-provider";
import { ADMIN, jsOn, PASSWORD, signUpViaApi, uniqueUser, waitHydrated } from "./helpers";

// An admin adds a fake provider with a slow model (a turn takes ~2 s).
async function slowModel(baseURL: string, slug: string) {
  const fake = await startFakeProvider();
  const admin = await request.newContext({ baseURL });
  expect((await admin.post("/api/auth/login", { data: { username: ADMIN, password: PASSWORD } })).ok()).toBeTruthy();
  const p = await admin.post("/api/config/providers", {
    data: { name: `Rooms ${slug}`, provider_sdk_id: slug, api_format: "openai", base_url: fake.base, api_key: FAKE_KEY },
  });
  expect(p.status()).toBe(201);
  const provider = await p.json();
  const m = await admin.post("/api/config/models", { data: { provider_id: provider.id, model_sdk_id: "chunks-30-60" } });
  expect(m.status()).toBe(201);
  const model = (await m.json()).id as number;
  await admin.dispose();
  return { fake, model };
}

test("two agents talk live in both views on a phone and a desktop; interject, stop, export", async ({ page, browser }, info) => {
  const slug = uniqueUser(info, "br").toLowerCase().replace(/[^a-z0-9]/g, "").slice(0, 24);
  const { fake, model } = await slowModel(info.project.use.baseURL!, slug);
  await signUpViaApi(page, uniqueUser(info, "rooms"));
  for (const [name, avatar] of [["Ada", "🦉"], ["Bob", "🐙"]]) {
    const res = await page.request.post("/api/agents", { data: { name, avatar, model_id: model, system_prompt: `You are ${name}.` } });
    expect(res.status()).toBe(201);
  }

  await page.goto("/backrooms");
  await page.getByRole("link", { name: "+ New backroom" }).click();
  const title = `Corridor ${slug.slice(-5)}`;
  await page.getByLabel("Title").fill(title);
  await page.getByLabel("Scenario").fill("You wake up in an endless yellow corridor.");
  await page.locator(".participant-pick", { hasText: "Ada" }).click();
  await page.locator(".participant-pick", { hasText: "Bob" }).click();
  await page.getByLabel("Max turns").fill("20");
  // The fake says the same words every turn: no loop detection here.
  await page.getByLabel("Loop detection").fill("0");
  await page.getByRole("button", { name: "Create backroom" }).click();
  await expect(page).toHaveURL(/\/backrooms\/\d+$/);
  await expect(page.locator(".room-state")).toHaveText("draft");
  const url = page.url();

  if (!jsOn(info)) {
    // Without JavaScript: plain forms, and a reload shows the run.
    await page.getByRole("button", { name: "Start" }).click();
    await expect(async () => {
      await page.reload();
      await expect(page.locator(".term-turn").first()).toContainText("w1", { timeout: 500 });
    }).toPass({ timeout: 20_000 });
    await page.getByRole("button", { name: "Stop" }).click();
    await expect(page.locator(".room-state")).toHaveText("stopped");
    const md = await page.request.get(`${url.replace(/\/backrooms\/(\d+)$/, "/api/backrooms/$1")}/export?format=md`);
    expect(await md.text()).toContain(`# ${title}`);
    await fake.close();
    return;
  }

  // A second viewer on the other form factor, same account.
  const phoneSized = info.project.use.viewport!.width >= 1024;
  const other = await browser.newContext({
    viewport: phoneSized ? { width: 390, height: 844 } : { width: 1440, height: 900 },
    storageState: await page.context().storageState(),
  });
  const second = await other.newPage();
  await second.goto(url);
  await waitHydrated(page, ".room");
  await waitHydrated(second, ".room");

  await expect(page.getByText("Backroom ready")).toBeVisible();
  await page.getByRole("button", { name: "Start" }).click();
  // The notice is stale once the run starts.
  await expect(page.getByText("Backroom ready")).toHaveCount(0);
  // The token count grows with the turn being written.
  await expect(page.locator(".room-tokens")).toHaveText(/^≈\d+ tokens$/);
  for (const p of [page, second]) {
    await expect(p.locator(".room-state")).toHaveText("running");
    await expect(p.locator(".seat.speaking .seat-name")).toHaveText("Ada");
    await expect(p.locator(".room-words")).toContainText("w5");
    // The words being spoken are on screen (phone and desktop), and the
    // page never scrolls sideways.
    await expect(p.locator(".room-words")).toBeInViewport();
    expect(await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
  }
  // The terminal view streams the same words.
  await second.getByText("Terminal", { exact: true }).click();
  await expect(second.locator(".terminal")).toBeVisible();
  await expect(second.locator(".room-space")).toBeHidden();
  await expect(second.locator(".term-turn").first().locator(".term-head")).toHaveText("<Ada>");
  await expect(second.locator(".term-turn").nth(1)).toContainText("w3", { timeout: 15_000 });
  // The terminal follows the turn being written.
  await expect(second.locator(".term-turn").last()).toBeInViewport();
  await expect(page.locator(".seat.speaking .seat-name")).toHaveText("Bob");

  // Break in from the second viewer: both see the human turn.
  await second.getByRole("textbox", { name: "Interject" }).fill("Is anyone else here?");
  await second.getByRole("button", { name: "Say" }).click();
  // Shown at once as queued, until the turn that says it ends.
  await expect(second.locator(".queued li")).toHaveText("Is anyone else here?");
  await expect(second.locator(".queued")).toHaveCount(0, { timeout: 15_000 });
  await expect(second.locator(".term-turn", { hasText: "Is anyone else here?" }).locator(".term-head")).toContainText("(human)");
  await page.getByText("Terminal", { exact: true }).click();
  await expect(page.locator(".term-turn", { hasText: "Is anyone else here?" })).toHaveCount(1);
  // The next agent heard it.
  await expect.poll(() => fake.requests.some((r) => JSON.stringify(r.messages).includes("Is anyone else here?")), { timeout: 15_000 }).toBeTruthy();

  await page.getByRole("button", { name: "Stop" }).click();
  for (const p of [page, second]) {
    await expect(p.locator(".room-state")).toHaveText("stopped");
    await expect(p.getByRole("button", { name: "Start" })).toHaveCount(0);
  }

  // Export: a Markdown file with the title and the whole transcript.
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Markdown" }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^corridor-.*\.md$/);
  const text = await readFile((await file.path())!, "utf8");
  expect(text).toContain(`# ${title}`);
  expect(text).toContain("Is anyone else here?");
  expect(text).toContain("Ada");
  await other.close();
  await fake.close();
});
