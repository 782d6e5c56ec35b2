import { expect, test } from "@playwright/test";
import { ADMIN, jsOn, PASSWORD, signUpViaApi, uniqueUser, waitHydrated } from "./helpers";

// Every project (phone and desktop, JavaScript on and off): the admin pages
// are plain forms.
test("an admin disables a user, whose open page then loses access", async ({ page, browser }, info) => {
  const name = uniqueUser(info, "d");
  const member = await browser.newContext({
    baseURL: info.project.use.baseURL,
    javaScriptEnabled: info.project.use.javaScriptEnabled,
    viewport: info.project.use.viewport,
  });
  const theirs = await member.newPage();
  await signUpViaApi(theirs, name);
  await theirs.goto("/");
  await expect(theirs.locator("#sidebar")).toHaveCount(1);

  expect((await page.request.post("/api/auth/login", { data: { username: ADMIN, password: PASSWORD } })).ok()).toBeTruthy();
  await page.goto("/admin");
  await page.getByRole("link", { name: "Users" }).first().click();
  await expect(page).toHaveURL(/\/admin\/users$/);
  await page.getByLabel("Search accounts by name").fill(name);
  await page.getByRole("button", { name: "Search", exact: true }).click();
  await expect(page.locator(".account")).toHaveCount(1);
  const row = page.locator(".account", { hasText: name });
  await row.locator("summary").first().click();
  await row.getByRole("button", { name: `Disable ${name}` }).click();
  await expect(page.getByText("Disabled: every session of the account has ended.")).toBeVisible();
  await expect(page.locator(".account", { hasText: name }).getByText("disabled", { exact: true })).toBeVisible();

  // Their next step finds them signed out, and signing in says why.
  await theirs.goto("/notes");
  await expect(theirs).toHaveURL(/\/login/);
  await theirs.getByLabel("Username").fill(name);
  await theirs.getByLabel("Password").fill(PASSWORD);
  await theirs.getByRole("button", { name: "Sign in" }).click();
  await expect(theirs.getByText("This account is disabled.")).toBeVisible();

  // The audit log names who did it to whom.
  await page.getByRole("link", { name: "Audit log" }).click();
  await expect(page.locator(".audit-entry", { hasText: name }).first()).toContainText(`${ADMIN} disabled ${name}`);
  await member.close();
});

test("a user over their daily limit reads which limit and when it resets, and keeps their text", async ({ page, playwright }, info) => {
  const name = uniqueUser(info, "q");
  await signUpViaApi(page, name);
  const me = await (await page.request.get("/api/users/profile")).json();
  const admin = await playwright.request.newContext({ baseURL: info.project.use.baseURL });
  expect((await admin.post("/api/auth/login", { data: { username: ADMIN, password: PASSWORD } })).ok()).toBeTruthy();
  const set = await admin.put(`/api/admin/users/${me.id}/limits`, { data: { tokens_per_day: 0 } });
  expect(set.status(), await set.text()).toBe(200);
  await admin.dispose();

  await page.goto("/");
  if (jsOn(info)) await waitHydrated(page, ".chat");
  const box = page.getByRole("textbox", { name: "Message" });
  await box.fill("Are you there?");
  await page.getByRole("button", { name: "Send" }).click();
  await expect(page.getByText(/Daily token limit reached: 0 of 0\. It resets at 00:00 UTC/)).toBeVisible();
  await expect(page.getByRole("textbox", { name: "Message" })).toHaveValue("Are you there?");

  await page.goto("/usage");
  await expect(page.getByText(/Tokens today: 0 of 0 left, resets/)).toBeVisible();
  await expect(page.getByRole("img", { name: /Tokens per day/ })).toBeVisible();
});
