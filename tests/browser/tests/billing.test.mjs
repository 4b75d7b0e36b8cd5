// Settings → Billing (issue 15) in a real browser, on a phone-sized window:
// the key is saved (and never shown back), "Sync now" runs against a real
// fake of Stripe (localstripe, as scripts/test.sh installs it) and the page
// follows the sync by refreshing itself until its report shows.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { startServer, startBrowser } from '../lib/harness.mjs';

let stripe;
let stripeUrl;
let server;
let chrome;
let page;

async function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function stripePost(path, fields) {
  const r = await fetch(stripeUrl + path, {
    method: 'POST',
    headers: { authorization: 'Basic ' + Buffer.from('sk_test_browser:').toString('base64') },
    body: new URLSearchParams(fields),
  });
  return r.json();
}

before(async () => {
  const port = await freePort();
  stripe = spawn('python3', ['-m', 'localstripe', '--from-scratch', '--port', String(port)], { stdio: 'ignore' });
  stripeUrl = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      const r = await fetch(stripeUrl + '/v1/customers?limit=1', {
        headers: { authorization: 'Basic ' + Buffer.from('sk_test_browser:').toString('base64') },
      });
      if (r.ok) break;
    } catch { /* not listening yet */ }
    if (i > 150) throw new Error('localstripe did not start (pip install localstripe==1.15.10)');
    await new Promise((r) => setTimeout(r, 100));
  }
  for (const name of ['Stripe Alpha', 'Stripe Beta']) await stripePost('/v1/customers', { name });

  server = await startServer({ demo: true, args: ['--stripe-api-base', stripeUrl] });
  chrome = await startBrowser({ viewport: { width: 375, height: 740 } });
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
  stripe?.kill();
});

test('a key is saved and Sync now shows its report on Settings → Billing', async () => {
  await page.goto(server.url + '/settings');
  await page.locator('a[href="/settings/billing"]').click();
  await page.waitForURL(/\/settings\/billing$/);
  assert.equal(await page.locator('h1').textContent(), 'Billing');
  assert.ok(await page.locator('#billing-sync-now').isDisabled(), 'no key yet');
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(wide <= 375, `the page fits a 375 px phone (${wide} px wide)`);

  await page.locator('#f-api_key').fill('sk_test_browser');
  await page.locator('#billing-form button[type="submit"]').click();
  await page.waitForURL(/notice=saved/);
  assert.match(await page.locator('#billing-status').textContent(), /Connected/);
  assert.equal(await page.locator('#f-api_key').inputValue(), '');
  assert.ok(!(await page.content()).includes('sk_test_browser'), 'the key is never shown back');

  await page.locator('#billing-sync-now').click();
  // The page refreshes itself every 2 s while the sync runs.
  await page.locator('#billing-job[data-state="finished"]').waitFor({ timeout: 30000 });
  const clients = page.locator('#billing-counts-clients td.num');
  assert.equal(await clients.first().textContent(), '2');
  assert.ok(!(await page.locator('#billing-sync-now').isDisabled()));
  const after = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(after <= 375, `the report fits a 375 px phone (${after} px wide)`);
});
