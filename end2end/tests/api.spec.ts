import { expect, test } from "@playwright/test";
import { jsOn, signUpViaApi, uniqueUser } from "./helpers";

// Every project: the Access tokens panel is plain forms.
test("a token made on the profile works as a Bearer token until revoked", async ({ page, playwright }, info) => {
  const name = uniqueUser(info, "t");
  await signUpViaApi(page, name);
  await page.goto("/profile");
  const panel = page.locator("section#tokens");
  await expect(panel.getByRole("heading", { name: "Access tokens" })).toBeVisible();
  await panel.getByLabel("Name", { exact: true }).fill("my editor");
  await panel.getByLabel("Expires").selectOption("30");
  await panel.getByRole("button", { name: "Create token" }).click();

  const shown = panel.locator(".new-token input.token-value");
  await expect(shown).toHaveValue(/^bk_[A-Za-z0-9]{43}$/);
  const token = await shown.inputValue();
  await expect(panel.locator(".token-list .token-name")).toHaveText(["my editor"]);

  // Another program, with no cookie: the token acts as this account.
  const program = await playwright.request.newContext({ baseURL: info.project.use.baseURL });
  const headers = { Authorization: `Bearer ${token}` };
  const profile = await program.get("/api/users/profile", { headers });
  expect(profile.status(), await profile.text()).toBe(200);
  expect((await profile.json()).username).toBe(name);

  // Shown once: the next visit lists the token without its secret.
  await page.goto("/profile");
  await expect(panel.locator(".token-list .token-name")).toHaveText(["my editor"]);
  await expect(page.locator(".new-token")).toHaveCount(0);
  expect(await page.content()).not.toContain(token);

  await panel.getByRole("button", { name: "Revoke my editor" }).click();
  await expect(panel.getByText("No tokens yet.")).toBeVisible();
  expect((await program.get("/api/users/profile", { headers })).status()).toBe(401);
  await program.dispose();
});

test("the API docs page shows the document from this server", async ({ page }, info) => {
  const outside: string[] = [];
  page.on("request", (r) => {
    const url = new URL(r.url());
    if (url.origin !== new URL(info.project.use.baseURL!).origin) outside.push(r.url());
  });
  await page.goto("/api/docs");
  if (!jsOn(info)) {
    // Without scripts the viewer cannot run; it points at the document.
    const link = page.getByRole("link", { name: "/api/openapi.json" });
    await expect(link).toHaveAttribute("href", "/api/openapi.json");
    const doc = await page.request.get("/api/openapi.json");
    expect((await doc.json()).openapi).toMatch(/^3\.1\./);
    return;
  }
  await expect(page.getByRole("heading", { name: /Backrooms API/ })).toBeVisible();
  // Operations from both halves: the REST API and /v1.
  await expect(page.locator(".opblock-summary-path", { hasText: "/v1/chat/completions" })).toBeVisible();
  await expect(page.locator(".opblock-summary-path", { hasText: /^\/api\/notes$/ }).first()).toBeVisible();
  // One operation opened shows its schema.
  await page.locator(".opblock-summary", { hasText: "/api/tokens" }).filter({ hasText: "POST" }).first().click();
  await expect(page.getByText("201").first()).toBeVisible();
  expect(outside).toEqual([]);
});
