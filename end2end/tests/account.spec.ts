import { expect, test } from "@playwright/test";
import { isPhone, PASSWORD, uniqueUser } from "./helpers";

// Runs in every project: desktop and phone, JavaScript on and off. The pages
// are plain forms, so the whole flow must work without JavaScript.
test("sign up, see the app shell, log out, log back in", async ({ page }, info) => {
  const user = uniqueUser(info);

  await page.goto("/profile");
  await expect(page).toHaveURL(/\/login\?next=\/profile$/);
  await page.getByRole("link", { name: "Create an account" }).click();
  await expect(page).toHaveURL(/\/register\?next=\/profile$/);

  await page.getByLabel("Username").fill(user);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();

  // Back where we were headed, signed in.
  await expect(page).toHaveURL(/\/profile$/);
  await expect(page.locator(".profile-username")).toHaveText(user);
  await expect(page.locator(".profile-role")).toHaveText("user");
  await expect(page).toHaveTitle("Profile · Backrooms");

  // The shell: docked sidebar on desktop, a closed drawer on a phone.
  const sidebar = page.locator("#sidebar");
  if (isPhone(info)) {
    await expect(sidebar).not.toBeInViewport();
    await expect(page.locator(".sidebar-toggle")).toBeVisible();
  } else {
    await expect(sidebar).toBeInViewport();
    await expect(sidebar.getByRole("link", { name: "Profile" })).toHaveAttribute("aria-current", "page");
  }
  // Normal users see no admin entry.
  await expect(page.locator('a[href="/admin"]')).toHaveCount(0);

  // Log out from the user menu.
  await page.locator(".user-menu summary").click();
  await page.getByRole("menuitem", { name: "Log out" }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto("/profile");
  await expect(page).toHaveURL(/\/login\?next=\/profile$/);

  // A wrong password says so and keeps the username.
  await page.getByLabel("Username").fill(user);
  await page.getByLabel("Password").fill("not my password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toHaveText("Wrong username or password.");
  await expect(page.getByLabel("Username")).toHaveValue(user);

  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/profile$/);
  await expect(page.locator(".profile-username")).toHaveText(user);
});

test("changing the password signs out the other device", async ({ page, browser }, info) => {
  const user = uniqueUser(info, "pw");
  await page.goto("/register");
  await page.getByLabel("Username").fill(user);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/$/);

  const other = await browser.newContext({ javaScriptEnabled: info.project.use.javaScriptEnabled });
  const otherPage = await other.newPage();
  const base = info.project.use.baseURL!;
  await otherPage.goto(`${base}/login`);
  await otherPage.getByLabel("Username").fill(user);
  await otherPage.getByLabel("Password").fill(PASSWORD);
  await otherPage.getByRole("button", { name: "Sign in" }).click();
  await expect(otherPage).toHaveURL(`${base}/`);

  await page.goto("/profile#password");
  await page.getByLabel("Current password").fill(PASSWORD);
  await page.getByLabel("New password").fill("a whole new password");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByRole("status")).toContainText("Password changed");

  await otherPage.goto(`${base}/profile`);
  await expect(otherPage).toHaveURL(/\/login\?next=\/profile$/);
  await other.close();
});
