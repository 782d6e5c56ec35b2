import { expect, request, test } from "@playwright/test";
import { FAKE_KEY, startFakeProvider } from "./fake-provider";
import { ADMIN, jsOn, PASSWORD, signUpViaApi, uniqueUser, waitHydrated } from "./helpers";

// A 1x1 PNG.
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
  "base64",
);

/** A one-page PDF saying `text` (Helvetica), with a correct xref table. */
function pdf(text: string): Buffer {
  const stream = `BT /F1 14 Tf 72 720 Td (${text}) Tj ET`;
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  ];
  let out = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  out += offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("");
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, "latin1");
}

// The attach buttons need scripts (without them the composer says nothing
// of files): phone and desktop with JavaScript.
test("attach a picture and a PDF, send, see them on the message after a reload", async ({ page }, info) => {
  test.skip(!jsOn(info), "uploading from the composer needs JavaScript");
  const fake = await startFakeProvider();
  const slug = uniqueUser(info, "at").toLowerCase().replace(/[^a-z0-9]/g, "").slice(0, 24);
  const admin = await request.newContext({ baseURL: info.project.use.baseURL });
  expect((await admin.post("/api/auth/login", { data: { username: ADMIN, password: PASSWORD } })).ok()).toBeTruthy();
  const p = await admin.post("/api/config/providers", {
    data: { name: `Eyes ${slug}`, provider_sdk_id: slug, api_format: "openai", base_url: fake.base, api_key: FAKE_KEY },
  });
  expect(p.status()).toBe(201);
  const m = await admin.post("/api/config/models", {
    data: { provider_id: (await p.json()).id, model_sdk_id: "chunks-3-0", vision: true },
  });
  expect(m.status()).toBe(201);
  const model = await m.json();
  expect(model.vision).toBe(true);
  await admin.dispose();

  await signUpViaApi(page, uniqueUser(info, "files"));
  const t = await page.request.post("/api/conversations", { data: { model_id: model.id } });
  expect(t.status()).toBe(201);
  const thread = (await t.json()).id;
  await page.goto(`/c/${thread}`);
  await waitHydrated(page, ".chat");

  await page.locator("label.attach:not(.camera) input[type=file]").setInputFiles([
    { name: "dot.png", mimeType: "image/png", buffer: PNG },
    { name: "notes.pdf", mimeType: "application/pdf", buffer: pdf("The meeting moved to Thursday.") },
    { name: "extra.txt", mimeType: "text/plain", buffer: Buffer.from("not this one") },
  ]);
  const chips = page.locator(".composer-files .file-chip");
  await expect(chips).toHaveCount(3);
  await expect(page.locator(".composer-files .file-chip.uploading")).toHaveCount(0);
  // A file dropped from the chips is not sent.
  await page.getByRole("button", { name: "Remove extra.txt" }).click();
  await expect(chips).toHaveCount(2);
  await expect(page.locator(".composer-files .file-chip.uploading")).toHaveCount(0);
  await expect(chips.locator("img")).toHaveAttribute("alt", "dot.png");
  await expect(chips.locator(".attachment-name")).toHaveText("notes.pdf");

  await page.getByRole("textbox", { name: "Message" }).fill("What do these say?");
  await page.getByRole("button", { name: "Send" }).click();

  const question = page.locator(".bubble-user").last();
  await expect(question.locator(".attachment-thumb img")).toHaveAttribute("alt", "dot.png");
  await expect(question.locator(".attachment-doc")).toContainText("notes.pdf");
  await expect(question.locator(".attachment-doc")).toContainText("1 pages");
  await expect(page.locator(".bubble-assistant .bubble-text").last()).toHaveText("w0 w1 w2");
  await expect(chips).toHaveCount(0);

  // What the provider got: the PDF's text in the prompt, the picture as a part.
  const sent = fake.requests[fake.requests.length - 1];
  const parts = sent.messages[sent.messages.length - 1].content;
  expect(parts[0].text).toContain("The meeting moved to Thursday.");
  expect(parts[0].text).not.toContain("not this one");
  expect(parts[1].image_url.url).toMatch(/^data:image\/png;base64,/);

  await page.reload();
  await expect(page.locator(".bubble-user").last().locator(".attachment-thumb img")).toBeVisible();
  // The thumbnail opens the picture itself.
  const href = await page.locator(".bubble-user .attachment-thumb").last().getAttribute("href");
  const img = await page.request.get(href!);
  expect(img.status()).toBe(200);
  expect(img.headers()["content-type"]).toBe("image/png");
  await fake.close();
});

/** As the admin: a provider on the fake and a vision model; answers the model's id. */
async function visionModel(info: any, fake: { base: string }, tag: string): Promise<number> {
  const slug = uniqueUser(info, tag).toLowerCase().replace(/[^a-z0-9]/g, "").slice(0, 24);
  const admin = await request.newContext({ baseURL: info.project.use.baseURL });
  expect((await admin.post("/api/auth/login", { data: { username: ADMIN, password: PASSWORD } })).ok()).toBeTruthy();
  const p = await admin.post("/api/config/providers", {
    data: { name: `Eyes ${slug}`, provider_sdk_id: slug, api_format: "openai", base_url: fake.base, api_key: FAKE_KEY },
  });
  expect(p.status()).toBe(201);
  const m = await admin.post("/api/config/models", {
    data: { provider_id: (await p.json()).id, model_sdk_id: "chunks-3-0", vision: true },
  });
  expect(m.status()).toBe(201);
  const id = (await m.json()).id;
  await admin.dispose();
  return id;
}

// Without scripts the composer is a plain multipart form with a file input.
test("without JavaScript the composer's form sends a picture and a PDF", async ({ page }, info) => {
  test.skip(jsOn(info), "the plain form is what a page without scripts gets");
  const fake = await startFakeProvider();
  const model = await visionModel(info, fake, "nj");
  await signUpViaApi(page, uniqueUser(info, "plain"));
  const t = await page.request.post("/api/conversations", { data: { model_id: model } });
  const thread = (await t.json()).id;
  await page.goto(`/c/${thread}`);
  await page.locator(".composer input[type=file][name=file]").setInputFiles([
    { name: "dot.png", mimeType: "image/png", buffer: PNG },
    { name: "notes.pdf", mimeType: "application/pdf", buffer: pdf("The meeting moved to Thursday.") },
  ]);
  await page.getByRole("textbox", { name: "Message" }).fill("What do these say?");
  await page.getByRole("button", { name: "Send" }).click();
  await expect(page).toHaveURL(new RegExp(`/c/${thread}`));
  const question = page.locator(".bubble-user").last();
  await expect(question.locator(".attachment-thumb img")).toHaveAttribute("alt", "dot.png");
  await expect(question.locator(".attachment-doc")).toContainText("notes.pdf");
  const sent = fake.requests[fake.requests.length - 1];
  const parts = sent.messages[sent.messages.length - 1].content;
  expect(parts[0].text).toContain("The meeting moved to Thursday.");
  expect(parts[1].image_url.url).toMatch(/^data:image\/png;base64,/);
  // The reply is written on the server; a reload shows it beside the files.
  await expect(async () => {
    await page.reload();
    await expect(page.locator(".bubble-assistant .bubble-text").last()).toHaveText("w0 w1 w2", { timeout: 1000 });
  }).toPass();
  await expect(page.locator(".bubble-user").last().locator(".attachment-thumb img")).toBeVisible();
  await fake.close();
});

// An agent's knowledge shelf from its page, then a chat with it that shows
// the reply's sources: phone and desktop, scripts on and off.
test("a document on an agent's shelf is cited as a source of its replies", async ({ page }, info) => {
  const fake = await startFakeProvider();
  const model = await visionModel(info, fake, "kn");
  await signUpViaApi(page, uniqueUser(info, "shelf"));
  const a = await page.request.post("/api/agents", { data: { name: "Librarian", model_id: model } });
  expect(a.status()).toBe(201);
  const agent = (await a.json()).id;
  await page.goto(`/agents/${agent}`);
  await page.locator(".knowledge-upload input[type=file]").setInputFiles({
    name: "house.pdf",
    mimeType: "application/pdf",
    buffer: pdf("The spare key is under the blue flowerpot."),
  });
  await page.getByRole("button", { name: "Add to knowledge" }).click();
  await expect(page.locator("[data-flash]")).toContainText("house.pdf is on the shelf.");
  await expect(page.locator(".knowledge-files .attachment-name")).toHaveText("house.pdf");

  await page.goto(`/?new=1&agent=${agent}`);
  if (jsOn(info)) await waitHydrated(page, ".chat");
  await page.getByRole("textbox", { name: "Message" }).fill("Where is the spare key?");
  await page.getByRole("button", { name: "Send" }).click();
  await expect(page).toHaveURL(/\/c\/\d+/);
  const sent = () => fake.requests[fake.requests.length - 1];
  await expect.poll(() => JSON.stringify(sent()?.messages ?? "")).toContain("[1] house.pdf, page 1");
  await expect(async () => {
    if (!jsOn(info)) await page.reload();
    await expect(page.locator(".bubble-sources").last()).toBeVisible({ timeout: 1000 });
  }).toPass();
  await page.locator(".bubble-sources summary").last().click();
  await expect(page.locator(".bubble-sources li").last()).toHaveText("[1] house.pdf, page 1");
  await page.reload();
  await expect(page.locator(".bubble-sources").last()).toBeVisible();
  await fake.close();
});

// A shared thread shows its pictures to someone signed out.
test("a share link shows the thread's picture to someone signed out", async ({ page, browser }, info) => {
  const fake = await startFakeProvider();
  const model = await visionModel(info, fake, "sh");
  await signUpViaApi(page, uniqueUser(info, "sharer"));
  const up = await page.request.post("/api/attachments", {
    multipart: { file: { name: "dot.png", mimeType: "image/png", buffer: PNG } },
  });
  expect(up.status()).toBe(201);
  const file = (await up.json()).id;
  const t = await page.request.post("/api/conversations", { data: { model_id: model } });
  const thread = (await t.json()).id;
  const res = await page.request.post("/api/chat/complete", {
    data: { conversation_id: thread, content: "A picture", attachments: [file] },
  });
  expect(res.status()).toBe(200);
  const link = await (await page.request.post(`/api/conversations/${thread}/share`)).json();

  const context = await browser.newContext({ javaScriptEnabled: jsOn(info) });
  const viewer = await context.newPage();
  await viewer.goto(link.url);
  const img = viewer.locator(".bubble-user .attachment-thumb img");
  await expect(img).toHaveAttribute("alt", "dot.png");
  // The picture itself, as this signed-out viewer's browser asks for it.
  const got = await context.request.get(new URL((await img.getAttribute("src"))!, link.link).toString());
  expect(got.status()).toBe(200);
  expect(got.headers()["content-type"]).toBe("image/png");
  await context.close();
  await fake.close();
});
