import { expect, test } from "@playwright/test";
import { jsOn, signUpViaApi, uniqueUser } from "./helpers";

test("the web app manifest is linked and valid", async ({ page }) => {
  await page.goto("/login");
  const href = await page.locator('link[rel="manifest"]').getAttribute("href");
  expect(href).toBe("/manifest.webmanifest");
  const res = await page.request.get(href!);
  expect(res.ok()).toBeTruthy();
  expect(res.headers()["content-type"]).toContain("manifest+json");
  const manifest = await res.json();
  expect(manifest.name).toBe("Backrooms");
  expect(manifest.start_url).toBe("/");
  expect(manifest.display).toBe("standalone");
  expect(manifest.theme_color).toMatch(/^#[0-9a-f]{6}$/i);
  const sizes = manifest.icons.map((i: { sizes: string }) => i.sizes);
  expect(sizes).toEqual(expect.arrayContaining(["192x192", "512x512"]));
  expect(manifest.icons.some((i: { purpose?: string }) => i.purpose === "maskable")).toBeTruthy();
  for (const icon of manifest.icons) {
    const r = await page.request.get(icon.src);
    expect(r.ok(), icon.src).toBeTruthy();
    expect(r.headers()["content-type"]).toBe(icon.type);
  }
  // The browser's bar takes the page's background, per system scheme.
  await expect(page.locator("#theme-color-dark")).toHaveAttribute("content", manifest.theme_color);
  await expect(page.locator("#theme-color-light")).toHaveAttribute("content", "#faf6ec");
  expect(manifest.shortcuts.map((s: { url: string }) => s.url)).toEqual(["/?new=1", "/backrooms"]);
  // Screenshots for the install sheet, one narrow and one wide, served
  // signed out (the install prompt fetches them without a session).
  expect(manifest.screenshots.map((s: { form_factor: string }) => s.form_factor)).toEqual(["narrow", "wide"]);
  for (const shot of manifest.screenshots) {
    const r = await page.request.get(shot.src);
    expect(r.ok(), shot.src).toBeTruthy();
    expect(r.headers()["content-type"]).toBe(shot.type);
  }
});

test("robots.txt answers, signed out, instead of sending to sign-in", async ({ page }) => {
  const res = await page.request.get("/robots.txt", { maxRedirects: 0 });
  expect(res.status()).toBe(200);
  expect(await res.text()).toContain("Disallow: /");
});

test("the service worker registers and serves the offline page", async ({ page, context }, info) => {
  test.skip(!jsOn(info), "service workers need JavaScript");
  await page.goto("/login");
  const script = await page.evaluate(async () => {
    const reg = await navigator.serviceWorker.ready;
    return reg.active?.scriptURL ?? "";
  });
  expect(script).toMatch(/\/sw\.js$/);

  await context.setOffline(true);
  await page.goto("/login").catch(() => {});
  await expect(page.getByRole("heading", { name: "You're offline" })).toBeVisible();
  await context.setOffline(false);
});

test("a visited thread stays readable offline, the offline page lists it, signing out forgets it", async ({ page, context }, info) => {
  test.skip(!jsOn(info), "service workers need JavaScript");
  await signUpViaApi(page, uniqueUser(info, "off"));
  const thread = await (await page.request.post("/api/conversations", { data: { title: "Read me offline" } })).json();
  await page.goto("/threads");
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller)).toBeTruthy();
  await page.goto(`/c/${thread.id}`);
  await expect(page.locator(".thread-title")).toHaveText("Read me offline");
  const kept = () => page.evaluate(async () => (await (await caches.open("backrooms-pages")).keys()).length);
  await expect.poll(kept).toBe(1);

  await context.setOffline(true);
  await page.reload();
  await expect(page.locator(".thread-title")).toHaveText("Read me offline");
  // A page never visited: the offline page, which lists what is kept.
  await page.goto("/notes").catch(() => {});
  await expect(page.getByRole("heading", { name: "You're offline" })).toBeVisible();
  await expect(page.locator("#kept-list a", { hasText: "Read me offline" })).toHaveAttribute("href", `/c/${thread.id}`);
  await context.setOffline(false);

  // Signed out: the copies go.
  await context.clearCookies();
  await page.goto(`/c/${thread.id}`);
  await expect(page).toHaveURL(/\/login/);
  await expect.poll(kept).toBe(0);
});
