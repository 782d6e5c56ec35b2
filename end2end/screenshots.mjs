// The manifest's install-sheet screenshots (public/screenshots/): a thread on a
// phone and on a desktop, from a running release server that has no account
// yet. Usage, from end2end/: node screenshots.mjs http://127.0.0.1:PORT ../public/screenshots
import { chromium } from "@playwright/test";
const base = process.argv[2];
const out = process.argv[3];
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium" });
const msgs = [
  ["user", "Help me plan a small vegetable garden for a sunny balcony."],
  ["assistant", "## A balcony garden\n\nWith six hours of sun you can grow more than you think:\n\n- **Tomatoes** (cherry varieties) in 20 l pots\n- **Basil** and **parsley** between them\n- **Lettuce** in a shallow trough, sown every three weeks\n\nStart the tomatoes indoors in March and move them out once nights stay above 10 °C."],
  ["user", "How often should I water them?"],
  ["assistant", "Pots dry out fast. Check with a finger every morning:\n\n1. Dry 2 cm down: water until it runs out of the bottom.\n2. Still moist: leave it.\n\nIn July that usually means **every day** for tomatoes, every other day for herbs."],
];
const archive = {
  format: "backrooms-account", version: 1, exported_at: 1764000000,
  threads: [{
    title: "Balcony garden", model: null, temperature: null, max_tokens: null, pinned: false, archived: false,
    folder: null, agent: null, tags: ["garden"], created_at: 1764000000, updated_at: 1764000000,
    messages: msgs.map(([role, content], i) => ({
      role, content, status: "complete", model_sdk_id: null, prompt_tokens: null, completion_tokens: null,
      ttft_ms: null, total_ms: null, finish_reason: null, error: null, created_at: 1764000000 + i, updated_at: 1764000000 + i, kind: "message",
    })),
  }],
};
for (const [name, viewport] of [["chat-phone", { width: 390, height: 844 }], ["chat-desktop", { width: 1280, height: 800 }]]) {
  const context = await browser.newContext({ viewport, baseURL: base, colorScheme: "dark", deviceScaleFactor: 1 });
  const page = await context.newPage();
  const first = name === "chat-phone";
  const auth = await page.request.post(first ? "/api/auth/register" : "/api/auth/login", { data: { username: "gardener", password: "garden password" } });
  if (!auth.ok()) throw new Error(await auth.text());
  if (first) await page.request.post("/api/import", { data: archive });
  const id = (await (await page.request.get("/api/conversations")).json()).items[0].id;
  await page.goto(`/c/${id}#latest`);
  await page.waitForSelector('.chat[data-hydrated="true"]');
  await page.waitForTimeout(300);
  await page.screenshot({ path: `${out}/${name}.jpg`, type: "jpeg", quality: 72 });
  await context.close();
}
await browser.close();
