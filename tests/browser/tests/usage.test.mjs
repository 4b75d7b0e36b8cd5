// Usage on the client page (issue #18), in the demo workspace: usage sent
// through the API for one client is drawn as a weekly chart per metric,
// with the week of a logged complaint marked, and the client list gains
// its usage column; at 375 px the chart fits the screen.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, startBrowser } from '../lib/harness.mjs';

let server;
let chrome;
let page;
let client;

function day(back) {
  const d = new Date();
  d.setUTCDate(d.getUTCDate() - back);
  return d.toISOString().slice(0, 10);
}

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
  const clients = await page.evaluate(async () => (await fetch('/api/v1/clients?status=active&per_page=50')).json());
  client = clients.items.find((c) => c.external_id);
  assert.ok(client, 'a demo client with an external id');
  const events = [];
  for (let back = 0; back < 56; back++) {
    events.push({ client: client.external_id, metric: 'logins', on: day(back), value: back < 28 ? 1 : 6 });
  }
  await page.goto(`${server.url}/clients/${client.id}`);
  const answer = await page.evaluate(async (body) => {
    const csrf = document.querySelector('input[name="csrf"]').value;
    const r = await fetch('/api/v1/usage', {
      method: 'POST', body: JSON.stringify(body),
      headers: { 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' },
    });
    return { status: r.status, body: await r.json() };
  }, { events });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
});

after(async () => {
  await chrome?.stop();
  await server?.stop();
});

test('the client page draws a weekly usage chart for each metric it used', async () => {
  await page.goto(`${server.url}/clients/${client.id}`);
  const chart = page.locator('#chart-usage-0');
  await chart.waitFor();
  await page.waitForFunction(() => document.querySelector('#chart-usage-0')?.getAttribute('data-drawn') === 'true');
  assert.match(await page.locator('#usage').textContent(), /Last 28 days: 28 \(28 days before: 168\)/);
  // 53 weekly bars, drawn as SVG paths by the chart.
  const bars = await chart.locator('svg path').count();
  assert.ok(bars >= 53, `bars drawn: ${bars}`);
});

test('at 375 px the usage chart fits the screen', async () => {
  const phone = await chrome.context.newPage();
  await phone.setViewportSize({ width: 375, height: 800 });
  await phone.goto(`${server.url}/clients/${client.id}`);
  await phone.waitForFunction(() => document.querySelector('#chart-usage-0')?.getAttribute('data-drawn') === 'true');
  const box = await phone.locator('#chart-usage-0').boundingBox();
  assert.ok(box.x >= 0 && box.x + box.width <= 375, JSON.stringify(box));
  await phone.close();
});

test('the client list shows the fading metric', async () => {
  await page.goto(`${server.url}/clients?q=${encodeURIComponent(client.name)}`);
  assert.match(await page.locator('#clients-col-usage').textContent(), /Usage, 28 days/);
  const cell = page.locator(`[data-usage-change="-83"]`);
  assert.match(await cell.textContent(), /logins\s+−83 %/);
});
