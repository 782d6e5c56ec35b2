import { expect, request, test } from "@playwright/test";
import { FAKE_KEY, startFakeProvider } from "./fake-provider";
import { ADMIN, jsOn, PASSWORD, signUpViaApi, uniqueUser, waitHydrated } from "./helpers";

// An admin adds a fake provider with one model named `label`.
async function providerWithModel(baseURL: string, slug: string, label: string) {
  const fake = await startFakeProvider();
  const admin = await request.newContext({ baseURL });
  expect((await admin.post("/api/auth/login", { data: { username: ADMIN, password: PASSWORD } })).ok()).toBeTruthy();
  const p = await admin.post("/api/config/providers", {
    data: { name: `Agents ${slug}`, provider_sdk_id: slug, api_format: "openai", base_url: fake.base, api_key: FAKE_KEY },
  });
  expect(p.status()).toBe(201);
  const provider = await p.json();
  const m = await admin.post("/api/config/models", {
    data: { provider_id: provider.id, model_sdk_id: "chunks-8-20", name: label },
  });
  expect(m.status()).toBe(201);
  await admin.dispose();
  return fake;
}

test("make an agent from a template with an emoji, chat with it, see it on the replies", async ({ page }, info) => {
  const slug = uniqueUser(info, "ag").toLowerCase().replace(/[^a-z0-9]/g, "").slice(0, 24);
  const modelName = `Poet model ${slug}`;
  const fake = await providerWithModel(info.project.use.baseURL!, slug, modelName);
  await signUpViaApi(page, uniqueUser(info, "agents"));

  // New accounts start with a few agents.
  await page.goto("/agents");
  await expect(page.locator(".agent-card")).toHaveCount(5);
  await expect(page.locator(".agent-card .agent-name").first()).toHaveText("Assistant");

  await page.getByRole("link", { name: "+ New agent" }).click();
  await expect(page).toHaveURL(/\/agents\/new$/);
  await page.getByLabel("Start from a template").selectOption("poet");
  await page.getByRole("button", { name: "Use template" }).click();
  await expect(page).toHaveURL(/template=poet/);
  await expect(page.getByLabel("System prompt")).toHaveValue(/You are a poet/);

  const name = `Verse ${slug.slice(-5)}`;
  if (jsOn(info)) await waitHydrated(page, ".agent-editor");
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.locator(".emoji-option", { has: page.locator('input[value="🐙"]') }).click();
  if (jsOn(info)) {
    // The preview follows what is typed and picked.
    const preview = page.locator(".agent-preview");
    await expect(preview.locator(".agent-name")).toHaveText(name);
    await expect(preview.locator(".agent-avatar")).toHaveText("🐙");
  }
  await page.locator(".model-picker summary").click();
  await page.getByText(modelName, { exact: true }).click();
  // Without JavaScript the menu stays open until its summary is clicked.
  if (!jsOn(info)) await page.locator(".model-picker summary").click();
  await page.getByRole("button", { name: "Create agent" }).click();

  await expect(page).toHaveURL(/\/agents(#agent-\d+)?$/);
  await expect(page.getByRole("status")).toContainText(`Saved ${name}.`);
  const card = page.locator(".agent-card", { hasText: name });
  await expect(card.locator(".agent-avatar")).toHaveText("🐙");
  await expect(card.locator(".agent-model")).toHaveText(modelName);

  await card.getByRole("link", { name: "Chat" }).click();
  await expect(page.locator(".welcome h2")).toHaveText(`Chat with ${name}`);
  if (jsOn(info)) await waitHydrated(page, ".chat");
  await page.getByRole("textbox", { name: "Message" }).fill("Write about the sea");
  await page.getByRole("button", { name: "Send" }).click();

  await expect(page).toHaveURL(/\/c\/\d+#latest$/);
  await expect(page.locator(".thread-head .agent-header")).toContainText(name);
  const reply = page.locator(".bubble-assistant").last();
  if (jsOn(info)) {
    await expect(reply).toHaveAttribute("data-status", "complete", { timeout: 20_000 });
  } else {
    // Without JavaScript the reply runs on the server; a reload shows it.
    await expect(async () => {
      await page.reload();
      await expect(reply).toHaveAttribute("data-status", "complete", { timeout: 500 });
    }).toPass({ timeout: 20_000 });
  }
  await expect(reply.locator(".bubble-speaker")).toContainText(name);
  await expect(reply.locator(".bubble-speaker .agent-avatar")).toHaveText("🐙");
  await expect(reply.locator(".bubble-text")).toHaveText("w0 w1 w2 w3 w4 w5 w6 w7");

  // The provider was told who to be.
  const sent = fake.requests[fake.requests.length - 1];
  expect(sent.model).toBe("chunks-8-20");
  expect(sent.messages[0].role).toBe("system");
  expect(sent.messages[0].content).toContain("You are a poet");
  expect(sent.messages[1].content).toBe("Write about the sea");
  await fake.close();
});
