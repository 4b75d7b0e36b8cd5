// Settings → Owners (issue 12) in a real browser, on the demo workspace:
// the owner names of the clients are listed with their counts, a name is
// mapped to a member with the page's form, and the API sees the mapping.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, startBrowser } from '../lib/harness.mjs';

let server;
let chrome;
let page;

before(async () => {
  server = await startServer({ demo: true });
  chrome = await startBrowser();
  page = await chrome.context.newPage();
  page.setDefaultTimeout(20000);
  await page.goto(server.url + '/login');
  await page.locator('#f-email').fill('demo@churnwise.local');
  await page.locator('#f-password').fill('churnwise-demo');
  await page.locator('form[action="/login"] button[type="submit"]').click();
  await page.waitForURL(/\/dashboard$/);
});

after(async () => {
  await chrome?.stop();
  await server?.stop();
});

test('an owner name is mapped to a member on Settings → Owners', async () => {
  await page.goto(server.url + '/settings');
  await page.locator('a[href="/settings/owners"]').click();
  await page.waitForURL(/\/settings\/owners$/);
  assert.equal(await page.locator('h1').textContent(), 'Owners');

  const before = await page.evaluate(async () => (await fetch('/api/v1/owners')).json());
  assert.ok(before.owners.length > 0, 'the demo clients have owners');
  const demo = before.members.find((m) => m.email === 'demo@churnwise.local');
  const row = before.owners.find((o) => o.mapped_to === null);
  assert.ok(row, 'an owner name without a mapping');

  // Every name is shown with its client count.
  const shown = page.locator('tbody tr').filter({ has: page.locator('th', { hasText: row.name }) }).first();
  assert.equal((await shown.locator('td.num').textContent()).replace(/\D/g, ''), String(row.clients));

  await shown.locator('select').selectOption(String(demo.id));
  await shown.getByRole('button', { name: 'Save' }).click();
  await page.waitForURL(/done=saved/);
  assert.equal(await page.locator('.alert-ok').textContent(), 'The owner name was saved.');

  const after = await page.evaluate(async () => (await fetch('/api/v1/owners')).json());
  const mapped = after.owners.find((o) => o.name === row.name);
  assert.equal(mapped.mapped_to, demo.id);
  const again = page.locator('tbody tr').filter({ has: page.locator('th', { hasText: row.name }) }).first();
  assert.equal(await again.locator('select').inputValue(), String(demo.id));
  assert.match(await again.textContent(), /mapped/);
});
