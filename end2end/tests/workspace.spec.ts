import { expect, Page, request, test, TestInfo } from "@playwright/test";
import { readFile } from "node:fs/promises";
import { FAKE_KEY, startFakeProvider } from "./fake-provider";
import { ADMIN, jsOn, PASSWORD, signUpViaApi, uniqueUser } from "./helpers";

// A user with one finished thread (through the REST API), on a fake model.
async function threadWithReply(page: Page, info: TestInfo, tag: string) {
  const baseURL = info.project.use.baseURL!;
  const fake = await startFakeProvider();
  const admin = await request.newContext({ baseURL });
  expect((await admin.post("/api/auth/login", { data: { username: ADMIN, password: PASSWORD } })).ok()).toBeTruthy();
  const slug = tag.toLowerCase().replace(/[^a-z0-9]/g, "").slice(0, 24);
  const p = await (await admin.post("/api/config/providers", {
    data: { name: `Files ${slug}`, provider_sdk_id: slug, api_format: "openai", base_url: fake.base, api_key: FAKE_KEY },
  })).json();
  const model = (await (await admin.post("/api/config/models", { data: { provider_id: p.id, model_sdk_id: "chunks-4-0" } })).json()).id;
  await admin.dispose();
  await signUpViaApi(page, uniqueUser(info, "files"));
  const conv = await (await page.request.post("/api/conversations", { data: { model_id: model, title: "Sea shanties" } })).json();
  const done = await page.request.post("/api/chat/complete", {
    data: { conversation_id: conv.id, content: "Sing:\n\n```\nyo ho\n```" },
  });
  expect(done.ok()).toBeTruthy();
  return { fake, id: conv.id as number };
}

test("export a thread as Markdown from its menu", async ({ page }, info) => {
  const { fake, id } = await threadWithReply(page, info, uniqueUser(info, "ex"));
  await page.goto(`/c/${id}`);
  await page.getByLabel("Thread actions").click();
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Export as Markdown" }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe("sea-shanties.md");
  const text = await readFile((await file.path())!, "utf8");
  expect(text).toContain("# Sea shanties");
  expect(text).toContain("## You\n\nSing:\n\n```\nyo ho\n```");
  expect(text).toContain("## Assistant\n\nw0 w1 w2 w3");
  await fake.close();
});

test("a share link opens signed out, and stops working once revoked", async ({ page, browser }, info) => {
  const { fake, id } = await threadWithReply(page, info, uniqueUser(info, "sh"));
  await page.goto(`/c/${id}`);
  await page.getByLabel("Thread actions").click();
  await page.getByRole("button", { name: "Share a read-only link" }).click();
  // The menu opens on the full link, with a sentence saying who can read it.
  await expect(page.getByText("Link ready: anyone who has it can read this thread")).toBeVisible();
  const link = await page.getByLabel("Share link").inputValue();
  expect(link).toMatch(/^http:\/\/[^/]+\/s\/[0-9a-f]{64}$/);
  if (jsOn(info)) {
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
    await page.getByRole("button", { name: "Copy the link" }).click();
    await expect(page.getByRole("button", { name: "Copy the link" })).toHaveText("Copied ✓");
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);
  } else {
    await expect(page.getByRole("button", { name: "Copy the link" })).toBeHidden();
  }

  const stranger = await browser.newContext({ viewport: info.project.use.viewport ?? undefined });
  const other = await stranger.newPage();
  await other.goto(link);
  await expect(other.locator(".shared-title")).toHaveText("Sea shanties");
  await expect(other.locator(".bubble-user")).toContainText("yo ho");
  await expect(other.locator(".bubble-assistant")).toContainText("w0 w1 w2 w3");
  await expect(other.locator(".sidebar")).toHaveCount(0);

  await page.getByRole("button", { name: "Revoke link" }).click();
  const gone = await other.goto(link);
  expect(gone?.status()).toBe(404);
  await expect(other.getByText("This link does not exist or was revoked.")).toBeVisible();
  await stranger.close();
  await fake.close();
});

test("write a note, reload, and it is still there", async ({ page }, info) => {
  await signUpViaApi(page, uniqueUser(info, "notes"));
  await page.goto("/notes");
  await page.locator("main").getByRole("button", { name: "+ New note" }).click();
  await expect(page).toHaveURL(/\/notes\/\d+$/);
  const js = info.project.use.javaScriptEnabled !== false;
  if (js) await expect(page.locator('.note-editor[data-hydrated="true"]')).toHaveCount(1);
  await page.getByLabel("Title").fill("Shopping");
  await page.getByLabel("Note").fill("- apples\n- **bread**");
  if (js) {
    // Autosave: no button pressed.
    await expect(page.locator(".note-status")).toHaveText("Saved");
    await page.getByRole("button", { name: "Preview" }).click();
    await expect(page.locator(".note-preview strong")).toHaveText("bread");
  } else {
    await page.getByRole("button", { name: "Save" }).click();
    // The post answers with a redirect back: reload only once it is here.
    await expect(page.getByText("Saved.")).toBeVisible();
  }
  await page.reload();
  await expect(page.getByLabel("Title")).toHaveValue("Shopping");
  await expect(page.getByLabel("Note")).toHaveValue("- apples\n- **bread**");
  await expect(page.locator(".note-links a", { hasText: "Shopping" })).toHaveCount(1);
});

test("a note title the server refuses shows its error under the title", async ({ page }, info) => {
  test.skip(!jsOn(info), "the autosaving editor is an island (plain forms have their flash)");
  await signUpViaApi(page, uniqueUser(info, "notefield"));
  await page.goto("/notes");
  await page.locator("main").getByRole("button", { name: "+ New note" }).click();
  await expect(page).toHaveURL(/\/notes\/\d+$/);
  await expect(page.locator('.note-editor[data-hydrated="true"]')).toHaveCount(1);
  const title = page.getByLabel("Title");
  // A tab is not one line of text: the server refuses it and names "title".
  await title.fill("Tab\there");
  await expect(title).toHaveValue("Tab\there");
  await expect(page.locator(".note-title + .field-error")).toHaveText(/^title must be one line/);
  await expect(page.locator(".note-status")).toHaveText("Not saved");
  await title.fill("Tab free");
  await expect(page.locator(".note-status")).toHaveText("Saved");
  await expect(page.locator(".field-error")).toHaveCount(0);
});

test("search finds a message and opens the thread at it", async ({ page }, info) => {
  const { fake, id } = await threadWithReply(page, info, uniqueUser(info, "se"));
  await page.goto("/agents");
  const box = page.getByRole("searchbox", { name: "Search everything" });
  if ((info.project.use.viewport?.width ?? 1440) < 1024) {
    // On a phone the sidebar is a drawer: search from the results page.
    await page.goto("/search");
    await page.getByRole("searchbox", { name: "Search", exact: true }).fill("yo ho");
    await page.getByRole("button", { name: "Search" }).click();
  } else {
    await box.fill("yo ho");
    await box.press("Enter");
  }
  await expect(page).toHaveURL(/\/search\?q=yo/);
  const hit = page.locator(".search-hit").first();
  await expect(hit.locator("mark").first()).toHaveText("yo");
  await hit.click();
  await expect(page).toHaveURL(new RegExp(`/c/${id}\\?at=(\\d+)#m-\\1$`));
  const target = new URL(page.url()).hash;
  await expect(page.locator(target)).toContainText("yo ho");
  await fake.close();
});
