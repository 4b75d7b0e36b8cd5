// Client status follows the data (issue #12), in the demo workspace: the
// dashboard's "Clients by status" agrees with the clients API and reconciles
// with the metrics' customers, and a status set by hand on a client's page
// is shown as such until it is returned to automatic.
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

test('the dashboard counts statuses as the API does and reconciles them with the customers', async () => {
  for (const status of ['active', 'leaving', 'former']) {
    const shown = Number((await page.locator(`[data-status-count="${status}"]`).textContent()).replace(/,/g, ''));
    const api = await page.evaluate(async (s) => (await fetch(`/api/v1/clients?status=${s}&per_page=1`)).json(), status);
    assert.equal(shown, api.total, status);
  }
  const line = page.locator('#status-reconcile');
  const n = async (name) => Number(await line.getAttribute(`data-${name}`));
  const customers = await n('customers');
  assert.ok(customers > 0);
  assert.equal(customers, (await n('active-paying')) + (await n('leaving-paying')) + (await n('other-paying')));
  assert.ok((await n('active-paying')) + (await n('active-free')) <=
    Number((await page.locator('[data-status-count="active"]').textContent()).replace(/,/g, '')));
  assert.match(await line.textContent(), /as the metrics count them/);
});

test('a status set by hand is shown as such until it is returned to automatic', async () => {
  const clients = await page.evaluate(async () => (await fetch('/api/v1/clients?status=active&per_page=1')).json());
  const client = clients.items[0];
  await page.goto(`${server.url}/clients/${client.id}`);
  assert.match(await page.locator('h1 .badge').textContent(), /Active/);
  assert.match(await page.locator('#status').textContent(), /follows the subscriptions/);
  await page.locator('#f-client-status').selectOption('paused');
  await page.getByRole('button', { name: 'Save status' }).click();
  await page.waitForURL(/done=status-saved/);
  assert.match(await page.locator('h1 .badge').textContent(), /Paused/);
  assert.match(await page.locator('#status').textContent(), /Set by hand/);
  const api = await page.evaluate(async (id) => (await fetch(`/api/v1/clients/${id}`)).json(), client.id);
  assert.equal(api.status, 'paused');
  assert.equal(api.status_set_by_hand, true);
  await page.locator('#f-client-status').selectOption('automatic');
  await page.getByRole('button', { name: 'Save status' }).click();
  await page.waitForURL(/done=status-saved/);
  assert.match(await page.locator('h1 .badge').textContent(), /Active/);
  assert.doesNotMatch(await page.locator('#status').textContent(), /Set by hand/);
});
