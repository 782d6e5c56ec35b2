import { expect, Page, test, TestInfo } from "@playwright/test";
import { readFile } from "node:fs/promises";
import { isPhone, jsOn, signUpViaApi, uniqueUser, waitHydrated } from "./helpers";

async function newThread(page: Page, title: string): Promise<number> {
  const res = await page.request.post("/api/conversations", { data: { title } });
  expect(res.status()).toBe(201);
  return (await res.json()).id;
}

/** On a phone the sidebar is a drawer: open it first. */
async function sidebar(page: Page, info: TestInfo) {
  if (isPhone(info)) await page.getByLabel("Toggle sidebar").click();
  return page.locator("#sidebar");
}

async function threadAction(page: Page) {
  await page.getByLabel("Thread actions").click();
}

test("folders, tags and archive organise threads", async ({ page }, info) => {
  await signUpViaApi(page, uniqueUser(info, "org"));
  const alpha = await newThread(page, "Alpha plan");
  const beta = await newThread(page, "Beta notes");

  // A folder from the sidebar.
  await page.goto("/notes");
  const side = await sidebar(page, info);
  await side.getByText("+ New folder").click();
  await side.getByLabel("New folder name").fill("Projects");
  await side.getByRole("button", { name: "Create" }).click();
  await expect(page).toHaveURL(/\/threads\?folder=\d+$/);
  await expect(page.locator(".threads-heading")).toHaveText("Folder: Projects");
  const folderUrl = page.url();

  // "Move to" from the thread's menu (the way on phones), then tags.
  await page.goto(`/c/${alpha}`);
  await threadAction(page);
  await page.getByLabel("Folder", { exact: true }).selectOption({ label: "Projects" });
  await page.getByRole("button", { name: "Move" }).click();
  await expect(page.locator(".thread-chips")).toContainText("Projects");
  await threadAction(page);
  await page.getByLabel("Tags").fill("Launch, q3");
  await page.getByRole("button", { name: "Save tags" }).click();
  await expect(page.locator(".thread-chips .chip", { hasText: "#launch" })).toBeVisible();
  await expect(page.locator(".thread-chips .chip", { hasText: "#q3" })).toBeVisible();

  // Filter by tag: only the tagged thread.
  await page.locator(".thread-chips .chip", { hasText: "#launch" }).click();
  await expect(page).toHaveURL(/\/threads\?tag=launch$/);
  await expect(page.locator(".thread-rows li")).toHaveCount(1);
  await expect(page.locator(".thread-rows")).toContainText("Alpha plan");

  // The folder holds it, and the sidebar's main list no longer does.
  await page.goto(folderUrl);
  await expect(page.locator(".thread-rows")).toContainText("Alpha plan");
  const list = (await sidebar(page, info)).locator(".thread-list");
  await expect(list).toContainText("Beta notes");
  await expect(list).not.toContainText("Alpha plan");

  // Archive: hidden from the lists, shown under Archived, restorable.
  await page.goto(`/c/${beta}`);
  await threadAction(page);
  await page.getByRole("button", { name: "Archive" }).click();
  await expect(page.locator(".archived-note .badge")).toHaveText("Archived");
  await page.goto("/threads");
  await expect(page.locator("main")).not.toContainText("Beta notes");
  await page.goto("/threads?archived=1");
  await page.locator(".thread-rows a", { hasText: "Beta notes" }).click();
  await page.locator(".archived-note").getByRole("button", { name: "Restore" }).click();
  await expect(page.locator(".archived-note")).toHaveCount(0);
  await page.goto("/threads");
  await expect(page.locator(".thread-rows")).toContainText("Beta notes");

  // Deleting the folder moves its thread back out.
  await page.goto(folderUrl);
  await page.getByText("Delete folder…").click();
  await page.getByRole("button", { name: "Delete folder" }).click();
  await expect(page).toHaveURL(/\/threads$/);
  await expect(page.getByText("Folder deleted")).toBeVisible();
  await expect(page.locator(".thread-rows")).toContainText("Alpha plan");
});

test("saved prompts: kept on their page, inserted by typing / in the composer", async ({ page }, info) => {
  await signUpViaApi(page, uniqueUser(info, "pr"));
  await page.goto("/prompts");
  const add = page.locator(".prompt-new");
  await add.getByLabel("Title").fill("Summarise");
  await add.getByLabel("Prompt").fill("Summarise this in three bullets:");
  await add.getByRole("button", { name: "Add prompt" }).click();
  await expect(page.getByText("Prompt saved.")).toBeVisible();
  await expect(page.locator(".prompt-list .prompt-title")).toHaveText(["Summarise"]);
  if (!jsOn(info)) return;
  await page.request.post("/api/prompts", { data: { title: "Translate", body: "Translate to French:" } });

  await page.goto("/?new=1");
  await waitHydrated(page, ".chat");
  const box = page.getByLabel("Message");
  await box.click();
  await box.pressSequentially("Please /tr");
  const menu = page.getByRole("listbox", { name: "Saved prompts" });
  await expect(menu.getByRole("option")).toHaveCount(1);
  await expect(menu.getByRole("option")).toContainText("Translate");
  if (isPhone(info)) {
    await menu.getByRole("option").tap();
  } else {
    await box.press("Enter");
  }
  await expect(box).toHaveValue("Please Translate to French:");
  await expect(menu).toHaveCount(0);
  // A bare slash lists them all; Escape closes without inserting.
  await box.fill("");
  await box.pressSequentially("/");
  await expect(menu.getByRole("option")).toHaveCount(2);
  await box.press("Escape");
  await expect(menu).toHaveCount(0);
  await expect(box).toHaveValue("/");
});

test("export the whole account and import it into another one", async ({ page }, info) => {
  await signUpViaApi(page, uniqueUser(info, "exp"));
  await newThread(page, "Lighthouse log");
  await page.request.post("/api/notes", { data: { title: "Keeper duties", body: "Trim the wick." } });
  await page.goto("/profile");
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Export everything" }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^backrooms-exp-.*\.json$/);
  const path = (await file.path())!;
  const archive = JSON.parse(await readFile(path, "utf8"));
  expect(archive.format).toBe("backrooms-account");
  expect(archive.threads.map((t: { title: string }) => t.title)).toEqual(["Lighthouse log"]);

  // Another account imports the file from its profile page.
  await signUpViaApi(page, uniqueUser(info, "imp"));
  await page.goto("/profile");
  await page.getByLabel("Import an export (at most 25 MB)").setInputFiles(path);
  await page.getByRole("button", { name: "Import", exact: true }).click();
  await expect(page).toHaveURL(/\/profile$/);
  await expect(page.getByText(/Imported 1 thread\(s\)/)).toBeVisible();
  await page.goto("/threads");
  await expect(page.locator(".thread-rows")).toContainText("Lighthouse log");
  await page.goto("/notes");
  await expect(page.locator(".note-list")).toContainText("Keeper duties");
});

test("drag a thread from the sidebar onto a folder", async ({ page }, info) => {
  test.skip(isPhone(info) || !jsOn(info), "dragging is for desktops with JavaScript; phones use Move");
  await signUpViaApi(page, uniqueUser(info, "drag"));
  const id = await newThread(page, "Gamma rays");
  const folder = await (await page.request.post("/api/folders", { data: { name: "Physics" } })).json();
  await page.goto("/notes");
  await waitHydrated(page, ".folder-drop");
  await waitHydrated(page, ".older-threads");
  const target = page.locator(".folder-links a", { hasText: "Physics" });
  await expect(target).toContainText("0");
  await page.locator(".thread-list a", { hasText: "Gamma rays" }).dragTo(target);
  // The page reloads with the thread filed.
  await expect(page.locator("#sidebar")).not.toContainText("Gamma rays");
  await expect(target).toContainText("1");
  const thread = await (await page.request.get(`/api/conversations/${id}`)).json();
  expect(thread.folder_id).toBe(folder.id);
});
