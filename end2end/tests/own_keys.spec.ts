import { expect, test } from "@playwright/test";
import { FAKE_KEY, startFakeProvider } from "./fake-provider";
import { ADMIN, jsOn, PASSWORD, signUpViaApi, uniqueUser, waitHydrated } from "./helpers";

// Every project (phone and desktop, JavaScript on and off): Your keys is
// plain forms, the picker a <details>, and sending works without scripts.
test("a user adds their own key and chats with it", async ({ page, playwright }, info) => {
  const fake = await startFakeProvider();
  // The fake provider is on loopback: the admin allows own keys there.
  const admin = await playwright.request.newContext({ baseURL: info.project.use.baseURL });
  expect((await admin.post("/api/auth/login", { data: { username: ADMIN, password: PASSWORD } })).ok()).toBeTruthy();
  const set = await admin.put("/api/admin/settings", { data: { own_keys: true, own_keys_private_addresses: true } });
  expect(set.status(), await set.text()).toBe(200);
  await admin.dispose();

  await signUpViaApi(page, uniqueUser(info, "k"));
  await page.goto("/");
  await page.locator(".user-menu summary").click();
  await page.getByRole("menuitem", { name: "Your keys" }).click();
  await expect(page).toHaveURL(/\/settings\/keys$/);

  // The admin's presets and form, for this account alone.
  await page.locator('a[data-preset="openai"]').click();
  await expect(page).toHaveURL(/add=openai/);
  const form = page.locator("form.provider-form").first();
  await form.getByLabel("Name").fill("My own OpenAI");
  await form.getByLabel("Id (slug used in model ids)").fill("mykey");
  await form.getByLabel("Base URL").fill(fake.base);
  await form.getByLabel("API key").fill(FAKE_KEY);
  await form.getByRole("button", { name: "Add provider" }).click();
  await expect(page.getByRole("status").first()).toContainText("Added My own OpenAI.");
  const card = page.locator('section.provider-card[data-provider="mykey"]');
  await expect(card).toContainText("Key ••••4242");
  await expect(card).not.toContainText(FAKE_KEY);
  await card.getByLabel("Model id", { exact: true }).fill("chunks-3-0");
  await card.getByRole("button", { name: "Add model" }).click();
  await expect(page.locator('.model-row[data-model="mykey:chunks-3-0"]')).toBeVisible();

  // The chat's picker offers it under "Your keys"; the reply comes from it.
  await page.goto("/");
  if (jsOn(info)) await waitHydrated(page, ".chat");
  await page.locator(".chat-options > summary").click();
  const picker = page.locator(".model-picker");
  await picker.locator("summary").click();
  await expect(picker.locator(".model-section")).toHaveText("Your keys");
  await picker.locator(".model-group", { hasText: "My own OpenAI" }).getByRole("radio", { name: /chunks-3-0/ }).check();
  if (!jsOn(info)) await picker.locator("summary").click();
  await page.getByRole("textbox", { name: "Message" }).fill("Hello on my own key");
  await page.getByRole("button", { name: "Send" }).click();
  await expect(page).toHaveURL(/\/c\/\d+/);
  const reply = page.locator(".bubble-assistant");
  if (jsOn(info)) {
    await expect(reply.locator(".bubble-text")).toHaveText("w0 w1 w2");
  } else {
    await expect(async () => {
      await page.reload();
      await expect(reply).toHaveAttribute("data-status", "complete", { timeout: 500 });
    }).toPass({ timeout: 20_000 });
    await expect(reply.locator(".bubble-text")).toHaveText("w0 w1 w2");
  }
  expect(fake.requests.some((r) => r.model === "chunks-3-0")).toBeTruthy();

  // Usage shows what it spent on the own key.
  await page.goto("/usage");
  const table = page.locator(".usage-table", { hasText: "mykey:chunks-3-0" });
  await expect(table.getByRole("columnheader", { name: "Tokens on own keys" })).toBeVisible();
  await expect(table.getByRole("row", { name: /mykey:chunks-3-0/ })).toBeVisible();
  await fake.close();
});
