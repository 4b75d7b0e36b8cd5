// The early warning in the demo workspace: the demo user (Ana) sees her
// clients at risk with their reasons on the Due page, acknowledges and
// snoozes an alert, records a warning sign on a client and sees the score
// change, and reads it all in Spanish.
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

test('the Due page shows the user\'s clients at risk with their reasons, and alerts are handled there', async () => {
  await page.getByRole('link', { name: 'Due', exact: true }).click();
  await page.waitForURL(/\/due$/);
  const alerts = page.locator('#alerts .alert-item');
  const count = await alerts.count();
  assert.ok(count >= 1, 'the demo user has clients at risk');
  // The page agrees with the API.
  const api = await page.evaluate(async () => (await fetch('/api/v1/alerts')).json());
  const mine = api.filter((a) => a.client.owner === 'ana');
  assert.equal(count, mine.length);
  const first = alerts.first();
  const name = (await first.locator('.alert-head a').textContent()).trim();
  assert.ok(mine.some((a) => a.client.name === name));
  assert.match(await first.locator('.reasons').textContent(), /\(−\d+\)/);

  await first.getByRole('button', { name: 'Acknowledge' }).click();
  await page.waitForURL(/\/due#alerts$/);
  const acknowledged = page.locator('#alerts .alert-item', { hasText: name });
  assert.match(await acknowledged.textContent(), /Acknowledged/);

  await acknowledged.getByRole('button', { name: 'Snooze' }).click();
  await page.waitForURL(/\/due#alerts$/);
  const after = await page.evaluate(async () => (await fetch('/api/v1/alerts')).json());
  assert.equal(after.find((a) => a.client.name === name).status, 'snoozed');

  // The due list has the user's work, most overdue first.
  const late = await page.locator('#due-list tbody td.num').allTextContents();
  const days = late.map((t) => parseInt(t, 10));
  assert.ok(days.length > 0);
  assert.deepEqual(days, [...days].sort((a, b) => b - a));
});

test('a warning sign recorded on a client page lowers its score at once', async () => {
  const scores = await page.evaluate(async () => (await fetch('/api/v1/health-scores')).json());
  const quiet = scores
    .filter((s) => s.client.status === 'active' && s.signals.every((x) => x.signal !== 'warning_signs' || x.flags.length === 0))
    .sort((a, b) => b.score - a.score)[0];
  assert.ok(quiet && quiet.score >= 5, 'the demo has a client without warning signs');
  await page.goto(`${server.url}/clients/${quiet.client.id}`);
  assert.equal((await page.locator('#health .score-number').textContent()).trim(), String(quiet.score));
  await page.getByLabel('treats the team badly').check();
  await page.getByRole('button', { name: 'Save warning signs' }).click();
  await page.waitForURL(/done=flags-saved/);
  assert.equal((await page.locator('#health .score-number').textContent()).trim(), String(quiet.score - 5));
  assert.ok(await page.getByLabel('treats the team badly').isChecked());
});

test('in Spanish the Due page speaks Spanish, and the choice is kept with the account', async () => {
  await page.goto(server.url + '/due');
  await page.locator('form.lang-switch button[value="es"]').click();
  await page.waitForURL(/\/due$/);
  assert.equal((await page.locator('h1').textContent()).trim(), 'Pendientes y en riesgo');
  assert.match(await page.locator('#due-list').textContent(), /Contactar con|acción correctiva/);
  const me = await page.evaluate(async () => (await fetch('/api/v1/me')).json());
  assert.equal(me.lang, 'es');
  await page.locator('form.lang-switch button[value="en"]').click();
  await page.waitForURL(/\/due$/);
  assert.equal((await page.locator('h1').textContent()).trim(), 'Due and at risk');
});
