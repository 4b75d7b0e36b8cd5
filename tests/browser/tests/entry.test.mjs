// Data entry in the browser (issue #12): a new client gets a subscription
// segment (refused first, with every problem next to its field), which is
// edited and ended; an invoice is added, marked paid and unpaid again; a
// contact is added, edited and removed; the client's own fields are edited
// (refused in English and in Spanish first). Each step is checked against
// the JSON API with the session's cookie.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, startBrowser } from '../lib/harness.mjs';

let server;
let chrome;
let page;
let clientUrl;
let clientId;
const email = 'ana@example.com';
const password = 'a long enough password';

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

/** A GET of the JSON API with the browser's session cookie. */
async function api(path) {
  const r = await page.request.get(`${server.url}/api/v1/clients/${clientId}${path}`);
  assert.equal(r.status(), 200, path);
  return r.json();
}

/** The text of the error shown next to field `id`. */
async function errorOf(id) {
  return (await page.locator(`#${id}-error`).textContent()).trim();
}

test('the owner signs up and adds a client with no subscription yet', async () => {
  await page.goto(server.url + '/setup');
  await page.getByLabel('Workspace name').fill('Acme Agency');
  await page.getByLabel('Email').fill(email);
  await page.locator('#f-password').fill(password);
  await page.getByLabel('Password again').fill(password);
  await page.getByRole('button', { name: 'Create account and workspace' }).click();
  await page.waitForURL(/\/dashboard$/);
  await page.goto(server.url + '/clients/new');
  await page.getByLabel('Name').fill('Casa Pepa');
  await page.getByLabel('Owner').fill('Carla Méndez');
  await page.getByRole('button', { name: 'Create client' }).click();
  await page.waitForURL(/\/clients\/\d+\?done=client-created/);
  clientUrl = page.url().split('?')[0];
  clientId = Number(clientUrl.split('/').pop());
  assert.match(await page.locator('#subscriptions').textContent(), /No subscription recorded/);
});

test('a subscription segment is refused with every problem at once, then added', async () => {
  const section = page.locator('#subscriptions');
  await section.getByText('Add a subscription segment').click();
  // Required fields are marked, with a legend.
  assert.equal(await page.locator('#f-sub-subscription_ref').getAttribute('aria-required'), 'true');
  assert.match(await page.locator('#add-subscription .required-legend').textContent(), /Required field/);
  await page.locator('#f-sub-plan').fill('Care');
  await page.locator('#f-sub-mrr').fill('12,5');
  await page.locator('#f-sub-started_on').fill('');
  await page.locator('#f-sub-notice_period_days').fill('-1');
  await section.getByRole('button', { name: 'Add segment' }).click();
  await page.waitForLoadState();
  assert.equal(await errorOf('f-sub-subscription_ref'), 'Please fill this in.');
  assert.match(await errorOf('f-sub-mrr'), /amount such as 49\.90/);
  assert.equal(await errorOf('f-sub-started_on'), 'Please fill this in.');
  assert.match(await errorOf('f-sub-notice_period_days'), /whole number/);
  assert.equal(await page.locator('#f-sub-plan').inputValue(), 'Care', 'typed values are kept');
  assert.equal(await page.locator('#f-sub-mrr').getAttribute('aria-invalid'), 'true');
  assert.deepEqual(await api('/subscriptions'), []);

  await page.locator('#f-sub-subscription_ref').fill('SUB-1');
  await page.locator('#f-sub-mrr').fill('49.90');
  await page.locator('#f-sub-started_on').fill('2024-01-01');
  await page.locator('#f-sub-notice_period_days').fill('30');
  await section.getByRole('button', { name: 'Add segment' }).click();
  await page.waitForURL(/done=subscription-added/);
  assert.match(await page.getByRole('status').first().textContent(), /Subscription segment added/);
  const subs = await api('/subscriptions');
  assert.equal(subs.length, 1);
  assert.equal(subs[0].mrr, 49.9);
  assert.equal(subs[0].ended_on, null);
});

test('the segment is edited, then ended', async () => {
  await page.getByRole('link', { name: /Edit segment SUB-1/ }).click();
  await page.waitForURL(/\/subscriptions\/\d+$/);
  assert.equal(await page.locator('#f-sub-mrr').inputValue(), '49.90');
  await page.locator('#f-sub-mrr').fill('60');
  await page.locator('#f-sub-ended_on').fill('2023-06-01');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await page.waitForLoadState();
  assert.equal(await errorOf('f-sub-ended_on'), 'The end must be after the start.');
  assert.equal((await api('/subscriptions'))[0].mrr, 49.9, 'a refused edit changes nothing');
  await page.locator('#f-sub-ended_on').fill('');
  await page.locator('#f-sub-plan').fill('Care Pro');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await page.waitForURL(/done=subscription-saved/);
  assert.match(await page.locator('#subscriptions').textContent(), /Care Pro/);
  assert.equal((await api('/subscriptions'))[0].mrr, 60);

  await page.getByRole('link', { name: /Edit segment SUB-1/ }).click();
  await page.getByLabel('Ended').last().fill('2024-09-01');
  await page.getByRole('button', { name: 'End segment' }).click();
  await page.waitForURL(/done=subscription-ended/);
  assert.equal((await api('/subscriptions'))[0].ended_on, '2024-09-01');
});

test('an invoice is added, marked paid and unpaid again', async () => {
  const section = page.locator('#invoices');
  await section.getByText('Add an invoice').click();
  await page.locator('#f-inv-invoice_ref').fill('F-2024-007');
  await page.locator('#f-inv-amount').fill('0');
  await section.getByRole('button', { name: 'Add invoice' }).click();
  await page.waitForLoadState();
  assert.match(await errorOf('f-inv-amount'), /amount/);
  assert.equal(await errorOf('f-inv-due_on'), 'Please fill this in.');
  await page.locator('#f-inv-amount').fill('120.50');
  await page.locator('#f-inv-due_on').fill('2024-03-31');
  await page.locator('#invoices').getByRole('button', { name: 'Add invoice' }).click();
  await page.waitForURL(/done=invoice-added/);
  const [invoice] = await api('/invoices');
  assert.equal(invoice.paid_on, null);

  await page.getByLabel('Day invoice F-2024-007 was paid').fill('2024-04-02');
  await page.getByRole('button', { name: 'Mark invoice F-2024-007 paid' }).click();
  await page.waitForURL(/done=invoice-paid/);
  assert.equal((await api('/invoices'))[0].paid_on, '2024-04-02');
  await page.getByRole('button', { name: 'Mark invoice F-2024-007 unpaid' }).click();
  await page.waitForURL(/done=invoice-unpaid/);
  assert.equal((await api('/invoices'))[0].paid_on, null);
});

test('a contact is added, edited and removed after confirming', async () => {
  const section = page.locator('#contacts');
  await section.getByText('Add a contact person').click();
  await section.getByLabel('Name').fill('Pepa Ruiz');
  await section.getByLabel('Email').fill('pepa@example.com');
  await section.getByRole('button', { name: 'Add contact person' }).click();
  await page.waitForURL(/done=contact-added/);
  await page.getByRole('link', { name: 'Edit contact Pepa Ruiz' }).click();
  await page.getByLabel('Name').fill('');
  await page.getByLabel('Email').fill('pepa at example');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await page.waitForLoadState();
  assert.equal(await errorOf('f-name'), 'Please fill this in.');
  assert.match(await errorOf('f-email'), /valid email/);
  await page.getByLabel('Name').fill('Pepa Ruiz Gil');
  await page.getByLabel('Email').fill('pepa@example.com');
  await page.getByLabel('Role').fill('Manager');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await page.waitForURL(/done=contact-saved/);
  const [contact] = await api('/contacts');
  assert.equal(contact.name, 'Pepa Ruiz Gil');
  assert.equal(contact.role, 'Manager');

  await page.getByRole('link', { name: 'Edit contact Pepa Ruiz Gil' }).click();
  const confirm = page.getByRole('button', { name: 'Yes, remove the contact' });
  assert.equal(await confirm.isVisible(), false, 'removing asks first');
  await page.locator('#remove-contact summary').click();
  assert.match(await page.locator('#remove-contact').textContent(), /Remove Pepa Ruiz Gil from this client/);
  await confirm.click();
  await page.waitForURL(/done=contact-removed/);
  assert.deepEqual(await api('/contacts'), []);
  assert.match(await page.locator('#contacts').textContent(), /No contact person yet/);
});

test('the client is edited: every problem at once, in English and in Spanish', async () => {
  await page.goto(clientUrl);
  await page.getByRole('link', { name: 'Edit client' }).click();
  await page.waitForURL(/\/edit$/);
  const owners = await page.locator('#f-owner option').allTextContents();
  assert.ok(owners.includes(email), `members are offered: ${owners}`);
  assert.ok(owners.includes('Carla Méndez'), 'the current owner stays offered');
  await page.getByLabel('Name').fill(' ');
  await page.getByLabel('Keep in touch every').fill('0');
  await page.getByLabel('Segment').fill('Restaurants');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await page.waitForLoadState();
  assert.equal(await errorOf('f-name'), 'Please fill this in.');
  assert.match(await errorOf('f-keep_in_touch_days'), /between 1 and 3650/);
  assert.equal(await page.getByLabel('Segment').inputValue(), 'Restaurants');

  await page.getByRole('button', { name: 'Español' }).click();
  await page.waitForURL(/\/edit$/);
  await page.getByLabel('Nombre').fill('');
  await page.locator('#f-keep_in_touch_days').fill('4000');
  await page.getByRole('button', { name: 'Guardar cambios' }).click();
  await page.waitForLoadState();
  assert.equal(await page.locator('html').getAttribute('lang'), 'es');
  assert.equal(await errorOf('f-name'), 'Rellene este campo.');
  assert.match(await errorOf('f-keep_in_touch_days'), /entre 1 y 3650/);
  assert.match(await page.locator('.required-legend').textContent(), /Campo obligatorio/);

  await page.getByLabel('Nombre').fill('Casa Pepa S.L.');
  await page.locator('#f-keep_in_touch_days').fill('21');
  await page.locator('#f-owner').selectOption(email);
  await page.getByRole('button', { name: 'Guardar cambios' }).click();
  await page.waitForURL(/done=client-updated/);
  assert.match(await page.getByRole('status').first().textContent(), /Cliente guardado/);
  const client = await page.request.get(`${server.url}/api/v1/clients/${clientId}`).then((r) => r.json());
  assert.equal(client.name, 'Casa Pepa S.L.');
  assert.equal(client.owner, email);
  assert.equal(client.keep_in_touch_days, 21);
  await page.getByRole('button', { name: 'English' }).click();
});
