// A whole departure case in a real browser: opened from the client page,
// the exit conversation, a retention attempt that ends with the client
// leaving, a close refused with its reason next to the step, the
// offboarding checklist worked to the end, the survey link copied and the
// public survey answered, the close as lost, a corrective action and a
// win-back follow-up date; then the same case in Spanish.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, startBrowser } from '../lib/harness.mjs';

let server;
let chrome;
let page;
let caseUrl;
const password = 'a long enough password';

before(async () => {
  server = await startServer();
  chrome = await startBrowser();
  await chrome.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  page = await chrome.context.newPage();
  page.setDefaultTimeout(10000);
  await page.goto(server.url + '/setup');
  await page.getByLabel('Workspace name').fill('Acme Agency');
  await page.getByLabel('Email').fill('ana@example.com');
  await page.locator('#f-password').fill(password);
  await page.getByLabel('Password again').fill(password);
  await page.getByRole('button', { name: 'Create account and workspace' }).click();
  await page.waitForURL(/\/dashboard$/);
});

after(async () => {
  await chrome?.stop();
  await server?.stop();
});

/** The case page's section for a stage. */
const section = (id) => page.locator(`section#${id}`);

test('a case is opened from the client page and worked on its own page', async () => {
  await page.goto(server.url + '/clients/new');
  await page.getByLabel('Name').fill('Bakery Lola');
  await page.getByRole('button', { name: 'Create client' }).click();
  await page.waitForURL(/\/clients\/\d+/);
  await page.getByText('Open a departure case').click();
  await page.locator('#f-requested_end_on').fill('2030-01-31');
  for (const q of ['fruitful', 'our_commitments_met', 'client_commitments_met']) {
    await page.locator(`#q-${q} input[value="yes"]`).check();
  }
  await page.locator('#q-history_of_stumbles input[value="no"]').check();
  await page.getByRole('button', { name: 'Open the case' }).click();
  // Opening the case leads to its page.
  await page.waitForURL(/\/cases\/\d+\?done=case-opened/);
  caseUrl = page.url().replace(/\?.*$/, '');
  assert.equal(await page.locator('h1').textContent(), 'Departure of Bakery Lola');
  assert.equal(await page.locator('.stages [aria-current="step"]').textContent(), 'Notice');
  // The layout's navigation leads to the list, which leads back.
  await page.locator('.mainnav').getByRole('link', { name: 'Cases' }).click();
  assert.match(await page.locator('.result-count').textContent(), /1 case$/);
  await page.getByRole('link', { name: 'Bakery Lola' }).click();
  assert.equal(page.url(), caseUrl);
});

test('the exit conversation names a missing answer, then records the reasons', async () => {
  const form = page.locator('#form-exit');
  await form.getByLabel('Primary reason').selectOption('price_too_high');
  await form.getByRole('button', { name: 'Save the conversation' }).click();
  assert.match(await page.locator('#exit-clients_words-error').textContent(), /Please fill this in/);
  assert.equal(await page.locator('#exit-primary_reason').inputValue(), 'price_too_high', 'what was typed stays');
  await page.locator('#exit-clients_words').fill('It costs more than it brings us this year.');
  await page.locator('#exit-secondary_reasons').getByLabel('Budget cut').check();
  await page.locator('#exit-controllable input[value="yes"]').check();
  await page.locator('#exit-renegotiable input[value="yes"]').check();
  await page.locator('#exit-departments').fill('Account management, Billing');
  await page.getByRole('button', { name: 'Save the conversation' }).click();
  await page.waitForURL(/done=exit-conversation/);
  const exit = section('exit');
  assert.match(await exit.locator('blockquote').textContent(), /costs more than it brings/);
  assert.match(await exit.textContent(), /Price too high for the value/);
  assert.match(await exit.textContent(), /Account management, Billing/);
  assert.equal(await page.locator('.stages [aria-current="step"]').textContent(), 'Exit conversation');
});

test('a retention attempt from the playbook warns about a discount and ends with the client leaving', async () => {
  const retention = section('retention');
  assert.match(await retention.locator('.playbook').textContent(), /Right-size the scope or plan/);
  await page.locator('#retention-due_on').fill('2029-12-15');
  await retention.getByRole('button', { name: 'Start a retention attempt' }).click();
  await page.waitForURL(/done=retention/);
  assert.match(await section('retention').locator('table').textContent(), /Right-size the scope or plan to what the client uses/);
  // Offboarding cannot begin while the attempt has no outcome: said next to the step.
  await page.getByRole('button', { name: 'Begin offboarding' }).click();
  assert.match(await section('offboarding').getByRole('alert').textContent(), /Record the outcome of the retention attempt first/);
  await page.locator('#status-1').selectOption('dropped');
  await page.locator('#status-1 + button').click();
  await page.waitForURL(/done=retention-action-status/);
  await page.locator('#offer-offer_kind').selectOption('discount');
  await page.locator('#offer-offer_description').fill('10% off for six months');
  await page.getByRole('button', { name: 'Save the offer' }).click();
  await page.waitForURL(/done=retention-offer/);
  assert.match(await section('retention').locator('.alert-warn').textContent(), /only lever of this plan is a discount/);
  await page.locator('#outcome-outcome input[value="leaving"]').check();
  await page.getByRole('button', { name: 'Record the outcome' }).click();
  await page.waitForURL(/done=retention-outcome/);
  assert.match(await section('retention').textContent(), /Leaving: offboarding follows/);
});

test('closing is refused while the checklist is open, with each reason next to the close step', async () => {
  await page.getByRole('button', { name: 'Begin offboarding' }).click();
  await page.waitForURL(/done=offboarding/);
  assert.equal(await page.locator('#checklist-progress').getAttribute('value'), '0');
  assert.equal(await page.locator('#checklist-progress').getAttribute('max'), '8');
  const close = section('close');
  assert.match(await close.locator('#close-blockers').textContent(), /Final report: what was delivered/);
  await close.getByRole('button', { name: 'Close the case' }).click();
  const alert = section('close').getByRole('alert');
  assert.match(await alert.textContent(), /The case cannot close yet/);
  assert.match(await alert.textContent(), /Required item “End date agreed and recorded” is still open/);
  assert.equal(await page.locator('.stages [aria-current="step"]').textContent(), 'Offboarding');
});

test('the offboarding checklist is worked through: done, waived, a handover and an own item', async () => {
  const items = page.locator('.checklist-item');
  // Waiving needs a reason, told next to the item.
  const admins = page.locator('.checklist-item', { hasText: 'New administrators assigned' });
  await admins.getByText('Waive…').click();
  await admins.getByRole('button', { name: 'Waive the item' }).click();
  assert.match(await page.locator('.checklist-item', { hasText: 'New administrators assigned' }).locator('.field-error').textContent(), /Waiving needs a reason/);
  await page.locator('.checklist-item', { hasText: 'New administrators assigned' }).getByLabel('Reason for waiving').fill('No platforms of their own');
  await page.locator('.checklist-item', { hasText: 'New administrators assigned' }).getByRole('button', { name: 'Waive the item' }).click();
  await page.waitForURL(/done=item-waive/);
  await page.getByText('Record a credential handover').click();
  await page.locator('#handover-account').fill('Google Ads admin');
  await page.locator('#handover-recipient').fill('Luis (client IT)');
  await page.getByRole('button', { name: 'Record the handover' }).click();
  await page.waitForURL(/done=handover/);
  assert.match(await page.locator('.checklist').textContent(), /Google Ads admin handed over to Luis \(client IT\) through password manager/);
  await page.getByText('Add an item').click();
  await page.locator('#item-label').fill('Export the newsletter list');
  await page.getByRole('button', { name: 'Add the item' }).click();
  await page.waitForURL(/done=item/);
  for (;;) {
    const next = page.locator('.checklist-item.item-open').first();
    if (await next.count() === 0) break;
    await next.locator('form[action$="/item-done"] button').click();
    await page.waitForURL(/done=item-done/);
  }
  const total = await items.count();
  assert.equal(total, 9);
  assert.equal(await page.locator('#checklist-progress').getAttribute('value'), String(total));
  assert.match(await section('close').textContent(), /Nothing stops the case from closing/);
});

test('the survey link is copied, answered on the public page, and the answers are tabulated', async () => {
  await page.getByRole('button', { name: 'Make the survey link' }).click();
  const link = await page.locator('#survey-link').inputValue();
  assert.match(link, /^http:\/\/127\.0\.0\.1:\d+\/s\/[A-Za-z0-9_-]{20,}$/);
  await page.getByRole('button', { name: 'Copy the link' }).click();
  await page.getByRole('button', { name: 'Copied' }).waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), link);
  assert.equal(await page.locator('.stages [aria-current="step"]').textContent(), 'Feedback');

  const visitor = await chrome.context.newPage();
  try {
    await visitor.goto(link);
    assert.equal(await visitor.locator('h1').textContent(), 'How did we do?');
    await visitor.locator('label', { hasText: /^8$/ }).click();
    await visitor.getByLabel('What could we have done better?').fill('Tell us sooner what it would cost.');
    await visitor.locator('input[name="would_recommend"][value="yes"]').check();
    await visitor.getByRole('button', { name: 'Send' }).click();
    assert.equal(await visitor.locator('h1').textContent(), 'Thank you!');
  } finally {
    await visitor.close();
  }
  await page.goto(caseUrl);
  const answers = page.locator('table.survey-answers');
  assert.match(await answers.textContent(), /8 \/ 10/);
  assert.match(await answers.textContent(), /Tell us sooner what it would cost\./);
  assert.equal(await page.locator('#survey-link').count(), 0, "an answered survey's link is no longer shown");
});

test('the case closes as lost, then a corrective action and a win-back follow-up are recorded', async () => {
  await page.locator('#close-lost_mrr').fill('450');
  await page.getByRole('button', { name: 'Close the case' }).click();
  await page.waitForURL(/done=close/);
  const close = section('close');
  assert.match(await close.textContent(), /Lost/);
  assert.match(await close.textContent(), /€450\.00/);
  assert.match(await close.textContent(), /31 Jan 2030/);
  assert.equal(await page.locator('.stages [aria-current="step"]').textContent(), 'Closed');
  await page.getByText('Add a corrective action').click();
  await page.getByLabel('What we will correct').fill('Quarterly value reviews with every client');
  await page.locator('#lesson-due_on').fill('2030-03-01');
  await page.getByRole('button', { name: 'Add the action' }).click();
  await page.waitForURL(/done=lesson/);
  assert.match(await page.locator('.corrective-actions').textContent(), /Quarterly value reviews/);
  await page.getByRole('button', { name: 'Mark “Quarterly value reviews with every client” done' }).click();
  await page.waitForURL(/done=lesson-done/);
  await page.locator('#follow-up-on').fill('2030-09-01');
  await page.getByRole('button', { name: 'Save the follow-up date' }).click();
  await page.waitForURL(/done=follow-up/);
  assert.match(await section('lessons').textContent(), /1 Sept? 2030|1 Sep 2030/);
  const history = await page.locator('.case-history').textContent();
  assert.match(history, /ana@example\.com/);
  assert.match(history, /the client/);
  // The client page: closed lost, but the agreed last day (31 Jan 2030) is
  // still ahead, so the client stays leaving until then (docs/clients.md).
  await page.getByRole('link', { name: 'Client page' }).click();
  assert.match(await page.locator('h1 .badge').textContent(), /Leaving/);
});

test('a form drawn before someone else changed the case is refused plainly', async () => {
  await page.goto(caseUrl);
  const other = await chrome.context.newPage();
  try {
    await other.goto(caseUrl);
    await other.locator('#follow-up-on').fill('2030-10-01');
    await other.getByRole('button', { name: 'Save the follow-up date' }).click();
    await other.waitForURL(/done=follow-up/);
  } finally {
    await other.close();
  }
  await page.locator('#follow-up-on').fill('2030-11-01');
  await page.getByRole('button', { name: 'Save the follow-up date' }).click();
  assert.match(await page.getByRole('alert').first().textContent(), /Someone changed this case after you opened the page/);
  assert.match(await section('lessons').textContent(), /1 Oct 2030/);
});

test('the case page speaks Spanish, and fits a phone', async () => {
  await page.goto(caseUrl);
  await page.getByRole('button', { name: 'Español' }).click();
  await page.waitForURL(caseUrl);
  assert.equal(await page.locator('html').getAttribute('lang'), 'es');
  assert.equal(await page.locator('h1').textContent(), 'Baja de Bakery Lola');
  assert.match(await section('close').textContent(), /Perdido/);
  assert.match(await section('close').textContent(), /450,00\s€/);
  assert.match(await section('lessons').textContent(), /Lecciones y recuperación/);
  assert.match(await page.locator('.case-history').textContent(), /el cliente/);
  await page.setViewportSize({ width: 375, height: 740 });
  try {
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(wide <= 375, `the case page is ${wide}px wide`);
  } finally {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.getByRole('button', { name: 'English' }).click();
  }
});
