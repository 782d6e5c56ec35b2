import { expect, request, test } from "@playwright/test";
import { FAKE_KEY, startFakeProvider } from "./fake-provider";
import { ADMIN, isPhone, jsOn, PASSWORD, signUpViaApi, uniqueUser, waitHydrated } from "./helpers";

const words = (n: number) => Array.from({ length: n }, (_, i) => `w${i} `).join("");

// An admin context adds a fake provider with a slow model and makes it the
// global default, so a new user's chat uses it.
async function slowDefaultModel(baseURL: string, tag: string, sdk = "chunks-60-50") {
  const fake = await startFakeProvider();
  const admin = await request.newContext({ baseURL });
  expect((await admin.post("/api/auth/login", { data: { username: ADMIN, password: PASSWORD } })).ok()).toBeTruthy();
  const slug = tag.toLowerCase().replace(/[^a-z0-9]/g, "").slice(0, 24);
  const p = await admin.post("/api/config/providers", {
    data: { name: `Chat ${slug}`, provider_sdk_id: slug, api_format: "openai", base_url: fake.base, api_key: FAKE_KEY },
  });
  expect(p.status()).toBe(201);
  const provider = await p.json();
  const m = await admin.post("/api/config/models", { data: { provider_id: provider.id, model_sdk_id: sdk } });
  const model = await m.json();
  expect((await admin.post(`/api/config/models/${model.id}/set-default`)).ok()).toBeTruthy();
  await admin.dispose();
  return fake;
}

test("send, watch it stream, reload mid-stream, stop, regenerate", async ({ page }, info) => {
  test.skip(!jsOn(info), "the live chat is an island");
  const fake = await slowDefaultModel(info.project.use.baseURL!, uniqueUser(info, "c"));
  await signUpViaApi(page, uniqueUser(info, "chat"));

  await page.goto("/");
  await waitHydrated(page, ".chat");
  const box = page.getByRole("textbox", { name: "Message" });
  await box.fill("Count to sixty");
  if (isPhone(info)) {
    await page.getByRole("button", { name: "Send" }).click();
  } else {
    await box.press("Enter");
  }
  // The new thread opens and the reply streams in.
  await expect(page).toHaveURL(/\/c\/\d+#latest$/);
  await expect(page.locator(".bubble-user")).toHaveText("Count to sixty");
  const reply = page.locator(".bubble-assistant").last();
  await waitHydrated(page, ".chat");
  await expect(reply.locator(".bubble-text")).toContainText("w5 ");
  await expect(reply).toHaveAttribute("data-status", "streaming");

  // Reload mid-stream: the page joins the live reply and nothing is doubled.
  await page.reload();
  await waitHydrated(page, ".chat");
  const again = page.locator(".bubble-assistant").last();
  await expect(again).toHaveAttribute("data-status", "complete", { timeout: 20_000 });
  await expect(again.locator(".bubble-text")).toHaveText(words(60).trim());
  await expect(page.locator(".thread-list a[aria-current=page]")).toHaveText("Count to sixty");

  // Stop one.
  await page.getByRole("textbox", { name: "Message" }).fill("Again please");
  await page.getByRole("button", { name: "Send" }).click();
  const second = page.locator(".bubble-assistant").last();
  await expect(second.locator(".bubble-text")).toContainText("w2 ");
  await page.getByRole("button", { name: "Stop" }).click();
  await expect(second).toHaveAttribute("data-status", "stopped");
  await expect(second.getByText("Stopped")).toBeVisible();
  const partial = (await second.locator(".bubble-text").textContent()) ?? "";
  expect(partial.length).toBeLessThan(words(60).length);

  // Regenerate it: a new version takes its place and runs to the end.
  await second.getByRole("button", { name: "Regenerate" }).click();
  const third = page.locator(".bubble-assistant").last();
  await expect(third).toHaveAttribute("data-status", "complete", { timeout: 20_000 });
  await expect(third.locator(".bubble-text")).toHaveText(words(60).trim());
  await expect(page.locator(".bubble-assistant")).toHaveCount(2);
  await expect(third.locator(".versions-count")).toHaveText("2/2");

  // The stopped version is one arrow away, and back.
  await third.getByRole("button", { name: "Previous version" }).click();
  const older = page.locator(".bubble-assistant").last();
  await expect(older).toHaveAttribute("data-status", "stopped");
  await expect(older.locator(".versions-count")).toHaveText("1/2");
  await older.getByRole("button", { name: "Next version" }).click();
  await expect(page.locator(".bubble-assistant").last()).toHaveAttribute("data-status", "complete");

  // Edit & resend the second question: a new version of it, with a reply.
  const secondQuestion = page.locator(".bubble-user").last();
  await secondQuestion.getByRole("button", { name: "Edit" }).click();
  await page.getByRole("textbox", { name: "Edit message" }).fill("A different question");
  await page.getByRole("button", { name: "Save & resend" }).click();
  await expect(page.locator(".bubble-user").last()).toHaveText("A different question");
  await expect(page.locator(".bubble-assistant").last()).toHaveAttribute("data-status", "complete", { timeout: 20_000 });
  await expect(page.locator(".bubble-user")).toHaveCount(2);
  await expect(page.locator(".bubble-user").last().locator(".versions-count")).toHaveText("2/2");

  // Pin the thread from its menu (a plain form).
  await page.locator(".thread-menu > summary").click();
  await page.getByRole("button", { name: "Pin", exact: true }).click();
  await expect(page.locator(".thread-list a[aria-current=page]")).toHaveClass(/pinned/);
  await fake.close();
});

test("without JavaScript a message is sent by the form", async ({ page }, info) => {
  test.skip(jsOn(info), "the no-JavaScript path");
  const fake = await slowDefaultModel(info.project.use.baseURL!, uniqueUser(info, "n"));
  await signUpViaApi(page, uniqueUser(info, "nojs"));
  await page.goto("/");
  await page.getByRole("textbox", { name: "Message" }).fill("Hello without scripts");
  await page.getByRole("button", { name: "Send" }).click();
  await expect(page).toHaveURL(/\/c\/\d+#latest$/);
  await expect(page.locator(".bubble-user")).toHaveText("Hello without scripts");
  // The reply runs on the server; a reload shows it finished.
  await expect(async () => {
    await page.reload();
    await expect(page.locator(".bubble-assistant")).toHaveAttribute("data-status", "complete", { timeout: 500 });
  }).toPass({ timeout: 20_000 });
  await expect(page.locator(".bubble-assistant .bubble-text")).toHaveText(words(60).trim());
  await fake.close();
});

test("regenerate an earlier reply, then switch back: nothing after it was deleted", async ({ page }, info) => {
  const fake = await slowDefaultModel(info.project.use.baseURL!, uniqueUser(info, "v"), "chunks-3-0");
  await signUpViaApi(page, uniqueUser(info, "versions"));
  const thread = await (await page.request.post("/api/conversations", { data: { title: "Two versions" } })).json();
  const first = await (
    await page.request.post("/api/chat/complete", { data: { conversation_id: thread.id, content: "First question" } })
  ).json();
  await page.request.post("/api/chat/complete", { data: { conversation_id: thread.id, content: "Second question" } });
  // The earlier reply is regenerated (the stream ends with the reply).
  expect((await page.request.post(`/api/messages/${first.assistant_message.id}/regenerate`)).ok()).toBeTruthy();

  await page.goto(`/c/${thread.id}`);
  if (jsOn(info)) await waitHydrated(page, ".chat");
  await expect(page.locator(".bubble-user")).toHaveCount(1);
  const reply = page.locator(".bubble-assistant").first();
  await expect(reply.locator(".versions-count")).toHaveText("2/2");
  await expect(reply.getByRole("button", { name: "Next version" })).toBeDisabled();

  // ‹ brings back the first version and the turn that followed it.
  await reply.getByRole("button", { name: "Previous version" }).click();
  await expect(page.locator(".bubble-user")).toHaveCount(2);
  await expect(page.locator(".bubble-user").last().locator(".bubble-text")).toHaveText("Second question");
  await expect(page.locator(".bubble-assistant").first().locator(".versions-count")).toHaveText("1/2");

  // The choice is kept: a reload shows the same branch.
  await page.reload();
  await expect(page.locator(".bubble-user").last().locator(".bubble-text")).toHaveText("Second question");
  if (jsOn(info)) await waitHydrated(page, ".chat");
  await page.locator(".bubble-assistant").first().getByRole("button", { name: "Next version" }).click();
  await expect(page.locator(".bubble-user")).toHaveCount(1);
  await expect(page.locator(".bubble-assistant").first().locator(".versions-count")).toHaveText("2/2");
  await fake.close();
});

test("a reply shows as markdown while it is still being written", async ({ page }, info) => {
  test.skip(!jsOn(info), "the live reply is an island");
  const fake = await slowDefaultModel(info.project.use.baseURL!, uniqueUser(info, "md"), "markdown-80-60");
  await signUpViaApi(page, uniqueUser(info, "md"));
  await page.goto("/");
  await waitHydrated(page, ".chat");
  await page.getByRole("textbox", { name: "Message" }).fill("Plan it");
  await page.getByRole("button", { name: "Send" }).click();
  const reply = page.locator(".bubble-assistant").last();
  // The finished blocks are rendered while the words still stream in.
  await expect(reply.locator(".markdown h1")).toHaveText("Plan");
  await expect(reply.locator(".markdown strong")).toHaveText("bold");
  await expect(reply).toHaveAttribute("data-status", "streaming");
  await expect(reply.locator(".plain")).toContainText("w1");
  await expect(reply).toHaveAttribute("data-status", "complete", { timeout: 15000 });
  await expect(reply.locator(".markdown h1")).toHaveText("Plan");
  await fake.close();
});

test("a reply that ends while the page is hidden says so in a notification", async ({ page }, info) => {
  test.skip(!jsOn(info), "notifications need JavaScript");
  const fake = await slowDefaultModel(info.project.use.baseURL!, uniqueUser(info, "nt"), "chunks-60-80");
  await signUpViaApi(page, uniqueUser(info, "nt"));
  // Record what the page asks app.js to show, and let the test hide the page.
  await page.addInitScript(() => {
    const w = window as unknown as { __notified: string[][]; __asked: number; __hidden: boolean };
    w.__notified = [];
    w.__asked = 0;
    w.__hidden = false;
    Object.defineProperty(window, "backroomsNotify", { get: () => (...a: string[]) => w.__notified.push(a), set: () => {} });
    Object.defineProperty(window, "backroomsAskToNotify", { get: () => () => (w.__asked += 1), set: () => {} });
    Object.defineProperty(document, "visibilityState", { get: () => (w.__hidden ? "hidden" : "visible") });
  });
  await page.goto("/");
  await waitHydrated(page, ".chat");
  expect(await page.evaluate(() => (window as unknown as { __asked: number }).__asked)).toBe(0);
  await page.getByRole("textbox", { name: "Message" }).fill("Count slowly");
  await page.getByRole("button", { name: "Send" }).click();
  await expect(page).toHaveURL(/\/c\/\d+#latest$/);
  await waitHydrated(page, ".chat");
  await page.evaluate(() => ((window as unknown as { __hidden: boolean }).__hidden = true));
  const reply = page.locator(".bubble-assistant").last();
  await expect(reply).toHaveAttribute("data-status", "complete", { timeout: 15000 });
  const notified = await page.evaluate(() => (window as unknown as { __notified: string[][] }).__notified);
  expect(notified).toHaveLength(1);
  expect(notified[0][0]).toBe("Reply ready");
  // The body is how the reply begins (at most 140 characters).
  expect(notified[0][1]).toMatch(/^w0 w1 w2 /);
  expect(notified[0][1].length).toBeLessThanOrEqual(140);
  expect(notified[0][2]).toMatch(/^\/c\/\d+#m-\d+$/);
  await fake.close();
});

test("a send while offline says the server cannot be reached and keeps the text", async ({ page, context }, info) => {
  test.skip(!jsOn(info), "without JavaScript the browser itself says it is offline");
  const fake = await slowDefaultModel(info.project.use.baseURL!, uniqueUser(info, "of"), "chunks-2-0");
  await signUpViaApi(page, uniqueUser(info, "of"));
  await page.goto("/");
  await waitHydrated(page, ".chat");
  const box = page.getByRole("textbox", { name: "Message" });
  await box.fill("Nothing lost, please");
  await context.setOffline(true);
  await page.getByRole("button", { name: "Send" }).click();
  await expect(page.locator(".composer [role=alert]")).toHaveText("Could not reach the server. Check your connection and try again.");
  await expect(box).toHaveValue("Nothing lost, please");
  // Back online, the same text goes.
  await context.setOffline(false);
  await page.getByRole("button", { name: "Send" }).click();
  await expect(page).toHaveURL(/\/c\/\d+#latest$/);
  await expect(page.locator(".bubble-user").last().locator(".bubble-text")).toHaveText("Nothing lost, please");
  await fake.close();
});

/** An account archive holding one thread of `n` messages, "Line 0000" on. */
function longArchive(n: number) {
  const line = (i: number) => `Line ${String(i).padStart(4, "0")}`;
  const messages = Array.from({ length: n }, (_, i) => ({
    role: i % 2 === 0 ? "user" : "assistant",
    content: line(i),
    status: "complete",
    model_sdk_id: null,
    prompt_tokens: null,
    completion_tokens: null,
    ttft_ms: null,
    total_ms: null,
    finish_reason: null,
    error: null,
    created_at: 1700000000 + i,
    updated_at: 1700000000 + i,
    kind: "message",
  }));
  const thread = {
    title: "Five thousand", model: null, temperature: null, max_tokens: null, pinned: false, archived: false,
    folder: null, agent: null, tags: [], created_at: 1700000000, updated_at: 1700000000, messages,
  };
  return { format: "backrooms-account", version: 1, exported_at: 1700000000, threads: [thread] };
}

test("a 5000-message thread opens at its end and loads older pages on the way up", async ({ page }, info) => {
  await signUpViaApi(page, uniqueUser(info, "k"));
  expect((await page.request.post("/api/import", { data: longArchive(5000) })).status()).toBe(201);
  const id = (await (await page.request.get("/api/conversations")).json()).items[0].id;
  await page.goto(`/c/${id}#latest`);
  if (jsOn(info)) await waitHydrated(page, ".chat");
  // The end is in view, and only the latest page is on it.
  await expect(page.locator(".bubble").last().locator(".bubble-text")).toHaveText("Line 4999");
  await expect(page.locator(".bubble").last()).toBeInViewport();
  await expect(page.locator(".bubble")).toHaveCount(50);
  const older = page.locator("a.older-link");
  if (jsOn(info)) {
    // Scrolling up brings the page before, keeping the reader's place.
    const first = page.locator("#m-" + (await page.locator(".bubble").first().getAttribute("data-message")));
    await older.scrollIntoViewIfNeeded();
    await expect(page.locator(".bubble")).toHaveCount(100);
    await expect(page.locator(".bubble").first().locator(".bubble-text")).toHaveText("Line 4900");
    await expect(first).toBeInViewport();
    // And again, as far up as the reader goes.
    await older.scrollIntoViewIfNeeded();
    await expect(page.locator(".bubble")).toHaveCount(150);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBeTruthy();
  } else {
    // Without JavaScript the link is the page before.
    await older.click();
    await expect(page.locator(".bubble").first().locator(".bubble-text")).toHaveText("Line 4900");
    await expect(page.locator(".bubble").last().locator(".bubble-text")).toHaveText("Line 4949");
    await page.getByRole("link", { name: "Back to the latest" }).click();
    await expect(page.locator(".bubble").last().locator(".bubble-text")).toHaveText("Line 4999");
  }
});

test("a long thread opens at its latest message", async ({ page }, info) => {
  const fake = await slowDefaultModel(info.project.use.baseURL!, uniqueUser(info, "l"), "chunks-40-0");
  await signUpViaApi(page, uniqueUser(info, "long"));
  const thread = await (await page.request.post("/api/conversations", { data: { title: "A long one" } })).json();
  for (let i = 0; i < 12; i++) {
    const r = await page.request.post("/api/chat/complete", { data: { conversation_id: thread.id, content: `Question ${i}` } });
    expect(r.ok()).toBeTruthy();
  }
  // Opened from the list: at the end, with or without JavaScript.
  await page.goto("/threads");
  await page.locator(".thread-row-title", { hasText: "A long one" }).click();
  await expect(page).toHaveURL(new RegExp(`/c/${thread.id}#latest$`));
  if (jsOn(info)) await waitHydrated(page, ".chat");
  await expect(page.locator(".bubble-user").last().locator(".bubble-text")).toHaveText("Question 11");
  await expect(page.locator(".bubble-assistant").last()).toBeInViewport();
  await expect(page.locator(".bubble-user").first()).not.toBeInViewport();
  if (jsOn(info)) {
    // Its bare address (a reload, a bookmark) opens there too.
    await page.goto(`/c/${thread.id}`);
    await waitHydrated(page, ".chat");
    await expect(page.locator(".bubble-assistant").last()).toBeInViewport();
  }
  await fake.close();
});
