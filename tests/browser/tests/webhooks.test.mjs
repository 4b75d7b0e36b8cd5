// Settings → Webhooks (issue #17) in the demo workspace: an endpoint added
// on the page for a local receiver started here, its secret shown once,
// the endpoint listed, a client made through the API delivered to the
// receiver by `serve`'s delivery loop with a valid Churnwise-Signature and
// listed in the delivery log, the endpoint deleted; then in Spanish at
// 375 px wide, an endpoint whose receiver answers 500 shows its failed
// attempt ("se volverá a intentar") with no sideways scrolling.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import { startServer, startBrowser } from '../lib/harness.mjs';

let server;
let chrome;
let page;
let receiver;
let receiverUrl;
const received = [];
let answer = 200;

before(async () => {
  receiver = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url, signature: req.headers['churnwise-signature'], body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(answer);
      res.end('ok');
    });
  });
  await new Promise((done) => receiver.listen(0, '127.0.0.1', done));
  receiverUrl = `http://127.0.0.1:${receiver.address().port}`;
  server = await startServer({ demo: true, args: ['--webhook-interval', '1'] });
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
  await new Promise((done) => (receiver ? receiver.close(done) : done()));
});

async function addEndpoint(url, event) {
  await page.goto(`${server.url}/settings/webhooks`);
  await page.locator('#f-url').fill(url);
  await page.locator(`#hooks-form input[name="events"][value="${event}"]`).check();
  await page.locator('#hooks-form button[type="submit"]').click();
  await page.waitForSelector('#hooks-secret');
}

async function makeClient(name) {
  const made = await page.evaluate(async (clientName) => {
    const csrf = document.querySelector('input[name="csrf"]').value;
    const r = await fetch('/api/v1/clients', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
      body: JSON.stringify({ name: clientName }),
    });
    return { status: r.status, body: await r.json() };
  }, name);
  assert.equal(made.status, 201, JSON.stringify(made.body));
  return made.body;
}

async function waitFor(check, what) {
  for (let i = 0; i < 150; i++) {
    if (await check()) return;
    await new Promise((done) => setTimeout(done, 100));
  }
  assert.fail(`timed out waiting for ${what}`);
}

test('an endpoint is added with its secret shown once, delivers a signed event, is logged and deleted', async () => {
  await addEndpoint(`${receiverUrl}/hook`, 'client.created');
  const secret = (await page.locator('#hooks-secret-value').textContent()).trim();
  assert.ok(secret.length >= 32, secret);
  // Listed; the secret is not shown again.
  const row = page.locator('#hooks-endpoints tbody tr', { hasText: `${receiverUrl}/hook` });
  assert.equal(await row.count(), 1);
  assert.match(await row.textContent(), /client\.created/);
  assert.equal(await page.locator('.hooks-insecure').count(), 1, 'http:// is flagged');
  await page.goto(`${server.url}/settings/webhooks`);
  assert.equal(await page.locator('#hooks-secret').count(), 0);
  assert.ok(!(await page.content()).includes(secret), 'the secret is shown once');

  const client = await makeClient('Webhook Test Ltd');
  await waitFor(() => received.some((r) => r.path === '/hook'), 'the delivery');
  const got = received.find((r) => r.path === '/hook');
  const [, t, v1] = got.signature.match(/^t=(\d+),v1=([0-9a-f]{64})$/);
  assert.equal(createHmac('sha256', secret).update(`${t}.${got.body}`).digest('hex'), v1);
  const event = JSON.parse(got.body);
  assert.equal(event.type, 'client.created');
  assert.equal(event.data.client.id, client.id);
  assert.equal(event.data.client.name, 'Webhook Test Ltd');

  // The delivery log lists it as delivered, with the receiver's 200.
  await waitFor(async () => {
    await page.goto(`${server.url}/settings/webhooks`);
    return (await page.locator('#hooks-log tbody tr', { hasText: 'delivered' }).count()) > 0;
  }, 'the log line');
  const line = page.locator('#hooks-log tbody tr', { hasText: 'delivered' }).first();
  assert.match(await line.textContent(), /client\.created/);
  assert.match(await line.textContent(), /200/);

  // Deleted: gone from the list.
  await row.locator('button[type="submit"]').click();
  await page.waitForSelector('#hooks-notice');
  assert.equal(await page.locator('#hooks-endpoints tbody tr', { hasText: `${receiverUrl}/hook` }).count(), 0);
});

test('in Spanish at 375 px a failed attempt is logged and nothing scrolls sideways', async () => {
  await page.goto(`${server.url}/settings/webhooks`);
  await page.locator('form[action="/lang"] button[value="es"]').click();
  await page.waitForSelector('html[lang="es"]');
  await page.setViewportSize({ width: 375, height: 740 });
  try {
    answer = 500;
    await addEndpoint(`${receiverUrl}/failing`, 'client.created');
    assert.match(await page.locator('#hooks-secret-title').textContent(), /El secreto de firma del destino/);
    await makeClient('Cliente que falla');
    await waitFor(() => received.some((r) => r.path === '/failing'), 'the attempt');
    await waitFor(async () => {
      await page.goto(`${server.url}/settings/webhooks`);
      return (await page.locator('#hooks-log tbody tr', { hasText: 'se volverá a intentar' }).count()) > 0;
    }, 'the failed line');
    const line = page.locator('#hooks-log tbody tr', { hasText: 'se volverá a intentar' }).first();
    assert.match(await line.textContent(), /500/);
    assert.match(await page.locator('#hooks-log-title').textContent(), /Registro de envíos/);
    // Tables scroll inside their .table-wrap by design; anything else wider
    // than the phone is a fault (this found the hidden "Delete" header
    // escaping its scrolling wrapper: .table-wrap is now positioned).
    const [wide, culprits] = await page.evaluate(() => [
      document.documentElement.scrollWidth,
      [...document.querySelectorAll('body *')]
        .filter((el) => el.children.length === 0 && !el.closest('.table-wrap') && el.getBoundingClientRect().right > 376)
        .slice(0, 5)
        .map((el) => `${el.tagName.toLowerCase()}.${el.className} "${(el.textContent || '').trim().slice(0, 30)}"`),
    ]);
    assert.ok(wide <= 375, `/settings/webhooks is ${wide}px wide: ${culprits.join(', ')}`);
    const row = page.locator('#hooks-endpoints tbody tr', { hasText: `${receiverUrl}/failing` });
    await row.locator('button[type="submit"]').click();
    await page.waitForSelector('#hooks-notice');
    assert.match(await page.locator('#hooks-notice').textContent(), /Se eliminó el destino/);
  } finally {
    answer = 200;
    await page.setViewportSize({ width: 1280, height: 900 });
  }
});
