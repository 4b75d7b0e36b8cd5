// The self-service cancel page (issue #17) in the demo workspace: a cancel
// secret made through the API, links signed here with node's HMAC as a
// business's own app would sign them, the whole flow in English (cancel)
// and in Spanish (accept the offer, at 375 px wide: no horizontal
// overflow, the cancel button beside the offer), a bad signature (403)
// and an expired link (410).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { startServer, startBrowser } from '../lib/harness.mjs';

let server;
let chrome;
let shopper; // the customers' browser: no cookie of the signed-in team
let comprador; // a customer's browser in Spanish (Accept-Language: es-ES)
let page;
let publicId;
let secret;
let customers;

function link(customer, ts = Math.floor(Date.now() / 1000), key = secret) {
  const sig = createHmac('sha256', key).update(`${customer}.${ts}`).digest('hex');
  const query = new URLSearchParams({ customer, ts: String(ts), sig });
  return `${server.url}/cancel/${publicId}?${query}`;
}

before(async () => {
  server = await startServer({ demo: true });
  chrome = await startBrowser();
  shopper = await startBrowser();
  comprador = await startBrowser({ locale: 'es-ES' });
  page = await chrome.context.newPage();
  page.setDefaultTimeout(20000);
  await page.goto(server.url + '/login');
  await page.locator('#f-email').fill('demo@churnwise.local');
  await page.locator('#f-password').fill('churnwise-demo');
  await page.locator('form[action="/login"] button[type="submit"]').click();
  await page.waitForURL(/\/dashboard$/);
  await page.goto(`${server.url}/settings/cancel-page`);
  const made = await page.evaluate(async () => {
    const csrf = document.querySelector('input[name="csrf"]').value;
    const r = await fetch('/api/v1/cancel-page/secret', { method: 'POST', headers: { 'X-CSRF-Token': csrf } });
    return { status: r.status, body: await r.json() };
  });
  assert.equal(made.status, 200, JSON.stringify(made.body));
  publicId = made.body.workspace_public_id;
  secret = made.body.cancel_secret;
  assert.match(secret, /^[0-9a-f]{64}$/);
  const clients = await page.evaluate(async () => (await fetch('/api/v1/clients?status=active&per_page=50')).json());
  customers = clients.items.filter((c) => c.external_id).map((c) => c.external_id);
  assert.ok(customers.length >= 3, 'three demo clients with an external id');
});

after(async () => {
  await comprador?.stop();
  await shopper?.stop();
  await chrome?.stop();
  await server?.stop();
});

test('the settings page shows the public id and the link format', async () => {
  await page.goto(`${server.url}/settings/cancel-page`);
  assert.equal(await page.locator('#cancel-public-id').textContent(), publicId);
  assert.match(await page.locator('#cancel-link-format').textContent(), new RegExp(`/cancel/${publicId}\\?customer=`));
  assert.equal(await page.locator('#cancel-secret-set').count(), 1);
});

test('in English a customer gives a reason and cancels', async () => {
  const customer = await shopper.context.newPage();
  const url = link(customers[0]);
  const answer = await customer.goto(url);
  assert.equal(answer.status(), 200);
  assert.equal(await customer.locator('h1').textContent(), 'Cancel your subscription');
  await customer.locator('input[name="reason"][value="needs_changed"]').check();
  await customer.locator('#words').fill('We closed the shop.');
  await customer.locator('button[type="submit"]').click();
  await customer.locator('button[value="cancel"]').click();
  await customer.waitForSelector('h1');
  assert.equal(await customer.locator('h1').textContent(), 'Your subscription is cancelled');
  // The same link answers "already recorded" afterwards.
  await customer.goto(url);
  assert.match(await customer.locator('body').textContent(), /already recorded/);
  await customer.close();
});

test('in Spanish at 375 px a customer sees the offer beside the cancel button and accepts it', async () => {
  const phone = await comprador.context.newPage();
  await phone.setViewportSize({ width: 375, height: 740 });
  const answer = await phone.goto(link(customers[1]));
  assert.equal(answer.status(), 200);
  assert.equal(await phone.locator('h1').textContent(), 'Cancelar tu suscripción');
  await phone.locator('input[name="reason"][value="price_too_high"]').check();
  await phone.locator('button[type="submit"]').click();
  await phone.locator('#offer').waitFor();
  assert.match(await phone.locator('#offer').textContent(), /20 % de descuento durante 3 meses/);
  const width = await phone.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 375, `page width ${width}`);
  const offer = await phone.locator('#offer').boundingBox();
  const cancel = await phone.locator('button[value="cancel"]').boundingBox();
  const accept = await phone.locator('button[value="accept"]').boundingBox();
  for (const box of [offer, cancel, accept]) {
    assert.ok(box.x >= 0 && box.x + box.width <= 375, JSON.stringify(box));
    assert.ok(box.y + box.height <= 740, `in the first screen: ${JSON.stringify(box)}`);
  }
  assert.match(await phone.locator('button[value="cancel"]').textContent(), /Cancelar mi suscripción/);
  await phone.locator('button[value="accept"]').click();
  await phone.waitForSelector('h1');
  assert.equal(await phone.locator('h1').textContent(), 'Gracias por quedarte');
  await phone.close();
});

test('a bad signature is refused (403) and an expired link is gone (410)', async () => {
  const customer = await shopper.context.newPage();
  const forged = await customer.goto(link(customers[2], Math.floor(Date.now() / 1000), 'not the secret'));
  assert.equal(forged.status(), 403);
  assert.equal(await customer.locator('input[name="reason"]').count(), 0);
  const old = await customer.goto(link(customers[2], Math.floor(Date.now() / 1000) - 3601));
  assert.equal(old.status(), 410);
  assert.equal(await customer.locator('input[name="reason"]').count(), 0);
  await customer.close();
});

test('the dashboard shows the cancel page figures', async () => {
  const month = new Date().toISOString().slice(0, 7);
  await page.goto(`${server.url}/dashboard?from=${month}&to=${month}`);
  assert.equal(await page.locator('#cancel-total-sessions').textContent(), '2');
  assert.equal(await page.locator('#cancel-total-saves').textContent(), '1');
});
