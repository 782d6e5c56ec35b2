import { expect, Page, test } from "@playwright/test";
import { jsOn, signUpViaApi, uniqueUser } from "./helpers";

// Breaks out of <title>, <textarea> and an attribute; each escape would set
// window.__xss. None may run, and the text must come back exactly as typed.
const HOSTILE =
  `x</title><script>window.__xss=1</script></textarea>` +
  `<img src=x onerror="window.__xss=2">"><svg onload="window.__xss=3">`;

/** No payload became an element, and (with JavaScript) none ran. */
async function assertInert(page: Page, where: string) {
  await expect(page.locator('img[src="x"]'), where).toHaveCount(0);
  await expect(page.locator("svg[onload]"), where).toHaveCount(0);
  await expect(page.locator("script", { hasText: "__xss" }), where).toHaveCount(0);
  if (jsOn(test.info())) {
    expect(await page.evaluate(() => (window as any).__xss), where).toBeUndefined();
  }
}

test("hostile titles and text areas stay text, and the policy blocks nothing of ours", async ({ page }, info) => {
  const violations: string[] = [];
  page.on("console", (m) => {
    if (m.text().includes("Content Security Policy")) violations.push(m.text());
  });
  page.on("dialog", (d) => {
    violations.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  await signUpViaApi(page, uniqueUser(info, "xss"));
  const post = async (path: string, data: object) => {
    const res = await page.request.post(path, { data });
    expect(res.status(), await res.text()).toBe(201);
    return res.json();
  };
  const note = await post("/api/notes", { title: HOSTILE, body: HOSTILE });
  const thread = await post("/api/conversations", { title: HOSTILE });
  await post("/api/prompts", { title: "Hostile", body: HOSTILE });
  const agent = await post("/api/agents", { name: "Hostile", system_prompt: HOSTILE });

  for (const [path, field] of [
    [`/notes/${note.id}`, "textarea.note-body"],
    [`/agents/${agent.id}`, 'textarea[name="system_prompt"]'],
    ["/prompts", 'textarea[name="body"]'],
  ]) {
    await page.goto(path);
    await expect(page.locator(field).last(), path).toHaveValue(HOSTILE);
    await assertInert(page, path);
  }

  await page.goto(`/c/${thread.id}`);
  await expect(page).toHaveTitle(`${HOSTILE} · Backrooms`);
  await assertInert(page, "thread");

  // The share link, opened signed out.
  const share = await post(`/api/conversations/${thread.id}/share`, {});
  await page.context().clearCookies();
  await page.goto(share.url);
  await expect(page).toHaveTitle(`${HOSTILE} · Backrooms`);
  await assertInert(page, "share link");

  expect(violations).toEqual([]);
});
