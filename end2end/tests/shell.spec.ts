import { expect, test } from "@playwright/test";
import { isPhone, jsOn, signUpViaApi, uniqueUser, waitHydrated } from "./helpers";

test("the sidebar toggle works once hydrated", async ({ page }, info) => {
  test.skip(!jsOn(info), "islands need JavaScript");
  await signUpViaApi(page, uniqueUser(info, "nav"));
  await page.goto("/");
  await waitHydrated(page, ".sidebar-toggle");
  const sidebar = page.locator("#sidebar");
  const toggle = page.locator(".sidebar-toggle");

  if (isPhone(info)) {
    await expect(sidebar).not.toBeInViewport();
    await toggle.click();
    await expect(sidebar).toBeInViewport({ ratio: 0.99 });
    await expect(page.locator(".drawer-backdrop")).toBeVisible();
    // Tapping beside the drawer closes it.
    await page.mouse.click(375, 420);
    await expect(sidebar).not.toBeInViewport();
    await toggle.click();
    await expect(sidebar).toBeInViewport({ ratio: 0.99 });
    await page.keyboard.press("Escape");
    await expect(sidebar).not.toBeInViewport();
  } else {
    await expect(sidebar).toBeVisible();
    await toggle.click();
    await expect(sidebar).toBeHidden();
    // Folded stays folded across a reload (the server renders it so).
    await page.reload();
    await expect(sidebar).toBeHidden();
    await waitHydrated(page, ".sidebar-toggle");
    await toggle.click();
    await expect(sidebar).toBeVisible();
  }
});

test("the theme choice applies and persists", async ({ page }, info) => {
  await signUpViaApi(page, uniqueUser(info, "theme"));
  await page.goto("/profile");
  const html = page.locator("html");
  await expect(html).toHaveAttribute("data-theme", "system");
  const select = page.locator("main .theme-select");
  if (jsOn(info)) {
    await waitHydrated(page, "main .theme-select");
    await select.selectOption("dark");
    await expect(html).toHaveAttribute("data-theme", "dark");
    // The browser's bar follows at once, whatever the system's scheme.
    await expect(page.locator("#theme-color-light")).toHaveAttribute("content", "#1c1a17");
  } else {
    await select.selectOption("dark");
    await page.locator("main .theme-form").getByRole("button", { name: "Apply" }).click();
  }
  await page.goto("/");
  await expect(html).toHaveAttribute("data-theme", "dark");
  for (const scheme of ["light", "dark"]) {
    await expect(page.locator(`#theme-color-${scheme}`)).toHaveAttribute("content", "#1c1a17");
  }
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor).catch(() => null);
  if (bg) expect(bg).toBe("rgb(28, 26, 23)");
});

test("without JavaScript the phone drawer still opens and closes", async ({ page }, info) => {
  test.skip(jsOn(info) || !isPhone(info), "the no-JS fallback of the phone drawer");
  await signUpViaApi(page, uniqueUser(info, "drawer"));
  await page.goto("/");
  const sidebar = page.locator("#sidebar");
  await expect(sidebar).not.toBeInViewport();
  await page.locator(".sidebar-toggle").click();
  await expect(sidebar).toBeInViewport({ ratio: 0.99 });
  await expect(sidebar.getByRole("link", { name: "Profile" })).toBeVisible();
  await sidebar.getByRole("link", { name: "Close menu" }).click();
  await expect(sidebar).not.toBeInViewport();
});

test("no page scrolls sideways", async ({ page, browser }, info) => {
  const wide = async (path: string) => {
    await page.goto(path);
    // Islands may change the layout once they wake (live pages never go
    // network-idle).
    if (jsOn(info)) await page.waitForTimeout(400);
    return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  };
  for (const path of ["/login", "/register"]) expect(await wide(path), path).toBeLessThanOrEqual(0);
  await signUpViaApi(page, uniqueUser(info, "w"));
  const thread = await (await page.request.post("/api/conversations", { data: { title: "A rather long thread title that keeps going and going" } })).json();
  const note = await (await page.request.post("/api/notes", { data: { title: "Wide note", body: "A note." } })).json();
  const agent = await (await page.request.post("/api/agents", { data: { name: "Wide", avatar: "🦉" } })).json();
  const other = await (await page.request.post("/api/agents", { data: { name: "Wider still", avatar: "🐙" } })).json();
  const room = await page.request.post("/api/backrooms", {
    data: { title: "Wide room", scenario: "A corridor.", participants: [agent.id, other.id], max_turns: 4 },
  });
  const paths = [
    "/", `/c/${thread.id}`, "/threads", "/search?q=thread", "/notes", `/notes/${note.id}`, "/prompts",
    "/agents", "/agents/new", `/agents/${agent.id}`, "/backrooms", "/backrooms/new", "/profile",
  ];
  if (room.ok()) paths.push(`/backrooms/${(await room.json()).id}`);
  for (const path of paths) expect(await wide(path), path).toBeLessThanOrEqual(0);
  expect(room.ok(), await room.text()).toBeTruthy();
});
