// The steps the phone-width stories share (work log, client updates): a
// page at 375 px in a fresh browser, the check that no page scrolls
// sideways, a GET of the JSON API with the page's session cookie, and
// signing up or in through the forms.
import assert from 'node:assert/strict';
import { startBrowser } from './harness.mjs';

/** The phone's viewport. */
export const phone = { width: 375, height: 740 };

/** A page in a fresh browser at phone width, in `locale`; the browser is
 * added to `browsers` for the caller to stop. */
export async function phonePage(browsers, locale) {
  const chrome = await startBrowser({ viewport: phone, locale });
  browsers.push(chrome);
  const page = await chrome.context.newPage();
  page.setDefaultTimeout(15000);
  return page;
}

/** Fails when the page, every folded part open, is wider than the phone. */
export async function fitsThePhone(page, what) {
  await page.evaluate(() => document.querySelectorAll('details').forEach((d) => { d.open = true; }));
  const [wide, culprits] = await page.evaluate(() => [
    document.documentElement.scrollWidth,
    [...document.querySelectorAll('body *')]
      .filter((el) => el.children.length === 0 && el.getBoundingClientRect().right > 376)
      .slice(0, 5)
      .map((el) => `${el.tagName.toLowerCase()}.${el.className} "${(el.textContent || '').trim().slice(0, 30)}"`),
  ]);
  assert.ok(wide <= phone.width, `${what} is ${wide}px wide: ${culprits.join(', ')}`);
  await page.evaluate(() => document.querySelectorAll('details').forEach((d) => { d.open = false; }));
}

/** A GET of the JSON API of the server at `base` with the page's session
 * cookie; fails unless it answers 200. */
export async function apiGet(page, base, path) {
  const r = await page.request.get(`${base}/api/v1${path}`);
  assert.equal(r.status(), 200, path);
  return r.json();
}

/** Creates the first account and its workspace "Acme Agency" on the
 * first-run page (in English). */
export async function signUp(page, base, email, password) {
  await page.goto(base + '/setup');
  await page.getByLabel('Workspace name').fill('Acme Agency');
  await page.getByLabel('Email').fill(email);
  await page.locator('#f-password').fill(password);
  await page.getByLabel('Password again').fill(password);
  await page.getByRole('button', { name: 'Create account and workspace' }).click();
  await page.waitForURL(/\/dashboard$/);
}

/** Signs in on the sign-in page, in whatever language the page is in. */
export async function signIn(page, base, email, password) {
  await page.goto(base + '/login');
  await page.locator('#f-email').fill(email);
  await page.locator('#f-password').fill(password);
  await page.locator('form[action="/login"] button[type="submit"]').click();
  await page.waitForURL(/\/dashboard$/);
}
