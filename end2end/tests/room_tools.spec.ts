import { expect, request, test } from "@playwright/test";
import { FAKE_KEY, startFakeProvider } from "./fake-provider";
import { ADMIN, PASSWORD, signUpViaApi, uniqueUser } from "./helpers";

// A finished run's tools on its page, on a phone and a desktop, with and
// without JavaScript (all plain forms): the analytics page's SVG charts, a
// daily schedule, and a fork with one seat changed.
test("a finished run: analytics, a schedule and a fork with a change", async ({ page }, info) => {
  const slug = uniqueUser(info, "tools").toLowerCase().replace(/[^a-z0-9]/g, "").slice(0, 24);
  const fake = await startFakeProvider();
  const admin = await request.newContext({ baseURL: info.project.use.baseURL! });
  expect((await admin.post("/api/auth/login", { data: { username: ADMIN, password: PASSWORD } })).ok()).toBeTruthy();
  const p = await admin.post("/api/config/providers", {
    data: { name: `Tools ${slug}`, provider_sdk_id: slug, api_format: "openai", base_url: fake.base, api_key: FAKE_KEY },
  });
  expect(p.status()).toBe(201);
  const m = await admin.post("/api/config/models", { data: { provider_id: (await p.json()).id, model_sdk_id: "chunks-6-5" } });
  expect(m.status()).toBe(201);
  const model = (await m.json()).id as number;
  await admin.dispose();

  await signUpViaApi(page, uniqueUser(info, "tools"));
  const agents: number[] = [];
  for (const name of ["Ada", "Bob"]) {
    const res = await page.request.post("/api/agents", { data: { name, model_id: model, system_prompt: `You are ${name}.` } });
    expect(res.status()).toBe(201);
    agents.push((await res.json()).id);
  }
  const made = await page.request.post("/api/backrooms", {
    data: { title: `Tools ${slug.slice(-5)}`, participants: agents, max_turns: 2, guards: { loop_overlap: 0 } },
  });
  expect(made.status()).toBe(201);
  const id = (await made.json()).id as number;
  expect((await page.request.post(`/api/backrooms/${id}/start`)).ok()).toBeTruthy();
  await expect(async () => {
    const b = await (await page.request.get(`/api/backrooms/${id}`)).json();
    expect(b.state).toBe("finished");
  }).toPass({ timeout: 15_000 });

  // Analytics: four bar charts and the turns over the run, drawn as SVG.
  await page.goto(`/backrooms/${id}`);
  await page.getByRole("link", { name: "Analytics" }).click();
  await expect(page).toHaveURL(new RegExp(`/backrooms/${id}/analytics$`));
  await expect(page.locator("svg.chart-svg")).toHaveCount(5);
  await expect(page.getByRole("img", { name: "Turn lengths over the run" }).locator("rect")).toHaveCount(2);
  await expect(page.getByRole("row", { name: /Ada/ })).toContainText("6");

  // A daily schedule: the page says when it runs next.
  await page.goto(`/backrooms/${id}`);
  const schedule = page.locator("#schedule");
  await schedule.getByLabel("Every").selectOption("daily");
  await schedule.getByLabel("At (UTC)").fill("07:30");
  await schedule.getByRole("button", { name: "Save schedule" }).click();
  await expect(page.getByText("Schedule saved.")).toBeVisible();
  await expect(page.locator(".schedule-next")).toContainText("07:30 UTC");
  // A cron expression too often is refused, saying why.
  await page.locator("#schedule").getByLabel("Every").selectOption("cron");
  await page.locator("#schedule").getByLabel(/^Cron/).fill("*/5 * * * *");
  await page.locator("#schedule").getByRole("button", { name: "Save schedule" }).click();
  await expect(page.locator("#schedule").getByRole("alert")).toContainText("more often than every 15 minutes");
  await expect(page.getByRole("alert")).toHaveCount(1);

  // Fork after turn 1 with Bob on another prompt: the new branch opens.
  const fork = page.locator("#fork-with");
  await fork.getByLabel("Keep the turns up to").fill("1");
  await fork.getByLabel("Change").selectOption({ label: "Bob" });
  await fork.getByLabel("System prompt (empty: keep)").fill("You are Bob, now a poet.");
  await fork.getByRole("button", { name: "Fork with this change" }).click();
  await expect(page).not.toHaveURL(new RegExp(`/backrooms/${id}$`));
  await expect(page.getByText("Forked: start it when ready.")).toBeVisible();
  const forkId = Number(page.url().match(/\/backrooms\/(\d+)/)![1]);
  const forked = await (await page.request.get(`/api/backrooms/${forkId}`)).json();
  expect(forked.forked_from).toBe(id);
  expect(forked.turns).toHaveLength(1);
  expect(forked.participants.find((s: { name: string }) => s.name === "Bob").system_prompt).toBe("You are Bob, now a poet.");
  await fake.close();
});
