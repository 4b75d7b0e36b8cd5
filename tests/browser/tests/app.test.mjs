// A person's first hour with churnwise, in a real browser: the first-run
// page, a new client (whose name is HTML, shown as text), a logged contact,
// sign-out and sign-in, Spanish, CSRF refusal, keyboard and a phone screen.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, startBrowser } from '../lib/harness.mjs';

let server;
let chrome;
let page;
const email = 'ana@example.com';
const password = 'a long enough password';
const evilName = '<script>window.pwned=1</script> Bakery & Co';

before(async () => {
  server = await startServer();
  chrome = await startBrowser();
  page = await chrome.context.newPage();
  page.setDefaultTimeout(10000);
});

after(async () => {
  await chrome?.stop();
  await server?.stop();
});

test('an empty database sends the visitor to the first-run page, which creates the owner', async () => {
  await page.goto(server.url + '/');
  assert.match(new URL(page.url()).pathname, /^\/setup$/);
  assert.equal(await page.locator('h1').textContent(), 'Welcome to churnwise');
  await page.getByLabel('Workspace name').fill('Acme Agency');
  await page.getByLabel('Email').fill(email);
  await page.locator('#f-password').fill('short');
  await page.getByLabel('Password again').fill('short');
  await page.getByRole('button', { name: 'Create account and workspace' }).click();
  assert.match(await page.locator('.field-error').first().textContent(), /at least 10 characters/);
  await page.locator('#f-password').fill(password);
  await page.getByLabel('Password again').fill(password);
  await page.getByRole('button', { name: 'Create account and workspace' }).click();
  await page.waitForURL(/\/dashboard$/);
  assert.equal(await page.locator('h1').textContent(), 'Dashboard');
  assert.equal(await page.locator('.workspace-name').textContent(), 'Acme Agency');
  // Once an account exists the first-run page is gone.
  const again = await page.goto(server.url + '/setup');
  assert.match(new URL(again.url()).pathname, /^\/(login|dashboard)$/);
});

test('a new client is added from the list, and its HTML name shows as text', async () => {
  await page.goto(server.url + '/clients');
  assert.match(await page.locator('.result-count').textContent(), /0 clients/);
  await page.getByRole('link', { name: 'New client' }).click();
  await page.getByLabel('Name').fill(evilName);
  await page.getByLabel('Owner').fill('ana');
  await page.getByLabel('Segment').fill('bakeries');
  await page.getByLabel('Keep in touch every').fill('0');
  await page.getByRole('button', { name: 'Create client' }).click();
  assert.match(await page.locator('#f-keep_in_touch_days-error').textContent(), /between 1 and 3650/);
  await page.getByLabel('Keep in touch every').fill('14');
  await page.getByRole('button', { name: 'Create client' }).click();
  await page.waitForURL(/\/clients\/\d+\?done=client-created/);
  assert.match(await page.locator('h1').textContent(), /<script>window\.pwned=1<\/script> Bakery & Co/);
  assert.equal(await page.evaluate(() => window.pwned), undefined);
  assert.match(await page.getByRole('status').first().textContent(), /client was created/);
  await page.goto(server.url + '/clients?q=bakery');
  assert.match(await page.locator('.result-count').textContent(), /1 client$/);
  await page.getByRole('link', { name: evilName }).click();
  assert.match(await page.locator('h1').textContent(), /Bakery/);
});

test('a contact is logged from the client page and appears on the timeline', async () => {
  assert.match(await page.locator('.facts').textContent(), /never/);
  await page.getByLabel('Kind').selectOption('meeting');
  await page.locator('#f-note').fill('Renewal talk: happy with the work');
  await page.getByRole('button', { name: 'Log contact' }).click();
  await page.waitForURL(/done=contact-logged/);
  const first = page.locator('.timeline-item').first();
  assert.match(await first.textContent(), /Meeting/);
  assert.match(await first.textContent(), /Renewal talk: happy with the work/);
  assert.match(await first.textContent(), new RegExp(email));
  assert.doesNotMatch(await page.locator('.facts').textContent(), /never/);
});

test('a departure case is opened from the client page, and a missing answer is named', async () => {
  await page.getByText('Open a departure case').click();
  await page.locator('#f-requested_end_on').fill('2030-01-31');
  await page.getByRole('button', { name: 'Open the case' }).click();
  assert.match(await page.locator('#q-fruitful .field-error').textContent(), /Please fill this in/);
  assert.equal(await page.locator('#f-requested_end_on').inputValue(), '2030-01-31');
  for (const q of ['fruitful', 'our_commitments_met', 'client_commitments_met']) {
    await page.locator(`#q-${q} input[value="yes"]`).check();
  }
  await page.locator('#q-history_of_stumbles input[value="no"]').check();
  await page.getByRole('button', { name: 'Open the case' }).click();
  // The new case's page comes next; its breadcrumb leads back to the client.
  await page.waitForURL(/\/cases\/\d+\?done=case-opened/);
  assert.match(await page.locator('[role="status"]').first().textContent(), /The departure case was opened/);
  await page.locator('.breadcrumb a').nth(1).click();
  await page.waitForURL(/\/clients\/\d+$/);
  const article = page.locator('article.case');
  assert.match(await article.textContent(), /Open case/);
  assert.equal(await article.locator('[aria-current="step"]').textContent(), 'Notice');
  assert.equal(await page.getByText('Open a departure case').count(), 0, 'one open case per client');
  assert.match(await page.locator('h1 .badge').textContent(), /Leaving/);
});

test('a form posted without its CSRF token is refused', async () => {
  const status = await page.evaluate(async () => {
    const body = new URLSearchParams({ name: 'Forged client' });
    const r = await fetch('/clients', { method: 'POST', body, redirect: 'manual' });
    return r.status;
  });
  assert.equal(status, 403);
  await page.goto(server.url + '/clients?q=forged');
  assert.match(await page.locator('.result-count').textContent(), /0 clients/);
});

test('signing out ends the session; a wrong password is refused and the right one signs in', async () => {
  await page.goto(server.url + '/clients');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(/\/login$/);
  await page.goto(server.url + '/clients');
  assert.match(page.url(), /\/login\?next=%2Fclients$/);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  assert.match(await page.getByRole('alert').textContent(), /wrong/);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/clients$/);
  assert.equal(await page.locator('h1').textContent(), 'Clients');
});

test('the interface switches to Spanish and stays so', async () => {
  await page.getByRole('button', { name: 'Español' }).click();
  await page.waitForURL(/\/clients$/);
  assert.equal(await page.locator('html').getAttribute('lang'), 'es');
  assert.equal(await page.locator('h1').textContent(), 'Clientes');
  assert.match(await page.locator('.result-count').textContent(), /1 cliente$/);
  await page.getByRole('link', { name: 'Panel' }).click();
  assert.equal(await page.locator('h1').textContent(), 'Panel');
  await page.getByRole('link', { name: 'Ajustes' }).click();
  assert.equal(await page.locator('h1').textContent(), 'Ajustes');
  await page.getByRole('button', { name: 'English' }).click();
  await page.waitForURL(/\/settings$/);
  assert.equal(await page.locator('h1').textContent(), 'Settings');
});

test('an API token is shown once on the settings page and can be revoked', async () => {
  await page.goto(server.url + '/settings');
  await page.getByLabel('Token name').fill('spreadsheet');
  await page.getByRole('button', { name: 'Create token' }).click();
  const token = await page.locator('#new-token').inputValue();
  assert.match(token, /^[0-9a-f]{64}$/);
  const r = await fetch(server.url + '/api/v1/clients', { headers: { Authorization: `Bearer ${token}` } });
  assert.equal(r.status, 200);
  await page.goto(server.url + '/settings');
  assert.equal(await page.locator('#new-token').count(), 0);
  await page.getByRole('button', { name: 'Revoke token spreadsheet' }).click();
  const gone = await fetch(server.url + '/api/v1/clients', { headers: { Authorization: `Bearer ${token}` } });
  assert.equal(gone.status, 401);
});

test('the keyboard reaches the skip link first and the main navigation next', async () => {
  await page.goto(server.url + '/clients');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.className), 'skip-link');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Tab');
  const focused = await page.evaluate(() => document.activeElement.closest('main') !== null);
  assert.ok(focused, 'after the skip link, focus moves into the main content');
});

test('pages fit a 375 px wide phone without sideways scrolling', async () => {
  // The departure case opened from the client page by an earlier test.
  const { items: cases } = await page.evaluate(async () => (await fetch('/api/v1/cases?client_id=1')).json());
  assert.equal(cases.length, 1, 'the client has its departure case');
  const opened = cases[0];
  await page.setViewportSize({ width: 375, height: 740 });
  try {
    for (const path of ['/dashboard', '/clients', '/clients/1', '/settings', '/due', `/cases/${opened.id}`]) {
      await page.goto(server.url + path);
      // Every folded form and table open, so none hides an overflow.
      await page.evaluate(() => document.querySelectorAll('details').forEach((d) => { d.open = true; }));
      const [wide, culprits] = await page.evaluate(() => [
        document.documentElement.scrollWidth,
        [...document.querySelectorAll('body *')]
          .filter((el) => el.children.length === 0 && el.getBoundingClientRect().right > 376)
          .slice(0, 5)
          .map((el) => `${el.tagName.toLowerCase()}.${el.className} "${(el.textContent || '').trim().slice(0, 30)}"`),
      ]);
      assert.ok(wide <= 375, `${path} is ${wide}px wide: ${culprits.join(', ')}`);
    }
  } finally {
    await page.setViewportSize({ width: 1280, height: 900 });
  }
});

test('the dashboard draws every chart with the vendored ECharts, numbers one click away', async () => {
  await page.goto(server.url + '/dashboard');
  await page.waitForSelector('[data-drawn="true"]');
  // A workspace without a paying customer draws no flat money, churn or
  // survival lines (#13): those charts are empty states saying what to do
  // next, under a card with the links; only the non-payment chart is drawn.
  const drawn = await page.locator('.chart[data-drawn="true"] svg').count();
  assert.equal(drawn, 1);
  for (const id of ['chart-churn', 'chart-movements', 'chart-arpa', 'chart-forecast', 'chart-survival', 'chart-cohorts']) {
    assert.equal(await page.locator(`#${id}[data-drawn="empty"]`).count(), 1, `${id} is an empty state`);
  }
  assert.ok(await page.locator('#dashboard-empty a[href="/import"]').isVisible());
  await page.getByText('Show the numbers').first().click();
  assert.ok(await page.locator('#table-churn').isVisible());
  const csv = await page.evaluate(async () => (await fetch(document.querySelector('.downloads a').href)).text());
  // Text cells, headers included, are quoted (formulas cannot slip out).
  assert.match(csv, /^"month","customers_start","churned_customers","churn_rate_pct"/);
});
