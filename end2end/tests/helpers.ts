import { expect, Page, TestInfo } from "@playwright/test";

export const ADMIN = "e2e_admin";
export const PASSWORD = "correct horse battery";

/** A username no other test or earlier run has used. */
export function uniqueUser(info: TestInfo, tag = "u"): string {
  const project = info.project.name.replace(/[^a-z]/g, "").slice(0, 8);
  const rand = Math.random().toString(36).slice(2, 8);
  return `${tag}_${project}_${rand}`.slice(0, 32);
}

export const jsOn = (info: TestInfo) => info.project.use.javaScriptEnabled !== false;
export const isPhone = (info: TestInfo) => (info.project.use.viewport?.width ?? 1440) < 1024;

/** Creates an account through the REST API; the page's cookies now hold its session. */
export async function signUpViaApi(page: Page, username: string) {
  const res = await page.request.post("/api/auth/register", {
    data: { username, password: PASSWORD },
  });
  expect(res.status(), await res.text()).toBe(201);
}

/** Islands hydrate when the browser is idle: wait for the island's mark. */
export async function waitHydrated(page: Page, selector: string) {
  await expect(page.locator(`${selector}[data-hydrated="true"]`)).toHaveCount(1);
}
