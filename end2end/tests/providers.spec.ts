import { expect, test } from "@playwright/test";
import { startFakeProvider, FAKE_KEY } from "./fake-provider";
import { ADMIN, jsOn, PASSWORD, signUpViaApi, uniqueUser, waitHydrated } from "./helpers";

test("an admin adds a provider from a preset, tests it, imports models and sets the default", async ({ page }, info) => {
  test.skip(!jsOn(info), "test connection and import are islands");
  const fake = await startFakeProvider();
  const res = await page.request.post("/api/auth/login", { data: { username: ADMIN, password: PASSWORD } });
  expect(res.ok()).toBeTruthy();

  await page.goto("/settings/providers");
  await page.locator('a[data-preset="openai"]').click();
  await expect(page).toHaveURL(/add=openai/);
  const form = page.locator("form.provider-form").first();
  await expect(form.getByLabel("Base URL")).toHaveValue("https://api.openai.com/v1");

  // The name and slug must be unique across projects of this run.
  const slug = uniqueUser(info, "p").toLowerCase().replace(/[^a-z0-9]/g, "").slice(0, 24);
  await form.getByLabel("Name").fill(`E2E ${slug}`);
  await form.getByLabel("Id (slug used in model ids)").fill(slug);
  await form.getByLabel("Base URL").fill("ftp://example.com/v1");
  await form.getByLabel("API key").fill(FAKE_KEY);
  await form.getByRole("button", { name: "Add provider" }).click();
  // Refused next to the field, the name kept.
  await expect(page.locator(".field-error")).toContainText("base_url must be an http");
  await expect(page.locator("form.provider-form").first().getByLabel("Name")).toHaveValue(`E2E ${slug}`);

  const again = page.locator("form.provider-form").first();
  await again.getByLabel("Base URL").fill(fake.base);
  await again.getByLabel("API key").fill(FAKE_KEY);
  await again.getByRole("button", { name: "Add provider" }).click();
  await expect(page.getByRole("status").first()).toContainText(`Added E2E ${slug}.`);

  const card = page.locator(`section.provider-card[data-provider="${slug}"]`);
  await expect(card).toContainText("Key ••••4242");
  await expect(card).not.toContainText(FAKE_KEY);

  await waitHydrated(page, `section.provider-card[data-provider="${slug}"] .connection-test`);
  await card.getByRole("button", { name: "Test connection" }).click();
  await expect(card.locator(".test-result.ok")).toContainText("3 models available");

  await waitHydrated(page, `section.provider-card[data-provider="${slug}"] .model-import`);
  await card.getByRole("button", { name: "Import models" }).click();
  await card.getByLabel("fake-mini").check();
  await card.getByLabel("fake-large").check();
  await card.getByRole("button", { name: "Import 2 selected" }).click();
  const rows = page.locator(`section.provider-card[data-provider="${slug}"] .model-row`);
  await expect(rows).toHaveCount(2);

  const large = page.locator(`.model-row[data-model="${slug}:fake-large"]`);
  await large.getByRole("button", { name: "Set as global default" }).click();
  await expect(page.locator(`.model-row[data-model="${slug}:fake-large"] .badge-default`)).toBeVisible();

  // The chat's model picker has it preselected.
  await page.goto("/");
  const picker = page.locator(".model-picker");
  await expect(picker.locator("summary")).toContainText("fake-large");
  await expect(picker.locator("input[type=radio]:checked")).toHaveCount(1);
  const group = picker.locator(".model-group", { hasText: `E2E ${slug}` });
  await expect(group.locator("label.model-option:has(input:checked)")).toContainText("fake-large");
  await waitHydrated(page, ".chat");
  await page.locator(".chat-options > summary").click();
  await picker.locator("summary").click();
  await group.getByRole("radio", { name: /fake-mini/ }).check();
  await expect(picker.locator("summary")).toContainText("fake-mini");
  await expect(group.getByRole("radio", { name: /fake-mini/ })).toBeHidden(); // closed on choice
  // The head of the chat names the model; a tap on it opens the menu.
  await expect(page.locator(".model-chip")).toContainText("fake-mini");
  await page.locator(".chat-options > summary").click();
  await expect(page.locator(".chat-options")).not.toHaveAttribute("open", "");
  await page.locator(".model-chip").click();
  await expect(group.getByRole("radio", { name: /fake-large/ })).toBeVisible();
  await fake.close();
});

test("a non-admin cannot open the providers settings", async ({ page }, info) => {
  await signUpViaApi(page, uniqueUser(info, "np"));
  const res = await page.goto("/settings/providers");
  expect(res?.status()).toBe(403);
  await expect(page.getByText("Only admins can see this page.")).toBeVisible();
  await expect(page.locator('a[href="/settings/providers"]')).toHaveCount(0);
  const api = await page.request.get("/api/config/providers");
  expect(api.status()).toBe(403);
});
