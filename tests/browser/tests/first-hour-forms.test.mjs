// Forms of the first hour (issue #13) in a real browser: "Open a departure
// case" names every problem in one submit (no browser popup stops the post
// one field at a time), and every required field is marked, visibly and for
// assistive technology, on the open form and the exit conversation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, startBrowser } from '../lib/harness.mjs';

let server;
let chrome;
let page;
const password = 'a long enough password';
const questions = ['fruitful', 'history_of_stumbles', 'our_commitments_met', 'client_commitments_met'];

before(async () => {
  server = await startServer();
  chrome = await startBrowser();
  page = await chrome.context.newPage();
  page.setDefaultTimeout(10000);
  await page.goto(server.url + '/setup');
  await page.getByLabel('Workspace name').fill('Acme Agency');
  await page.getByLabel('Email').fill('ana@example.com');
  await page.locator('#f-password').fill(password);
  await page.getByLabel('Password again').fill(password);
  await page.getByRole('button', { name: 'Create account and workspace' }).click();
  await page.waitForURL(/\/dashboard$/);
  await page.goto(server.url + '/clients/new');
  await page.getByLabel('Name').fill('Bakery Lola');
  await page.getByRole('button', { name: 'Create client' }).click();
  await page.waitForURL(/\/clients\/\d+/);
});

after(async () => {
  await chrome?.stop();
  await server?.stop();
});

test('the open-a-case form marks every required field', async () => {
  await page.getByText('Open a departure case').click();
  for (const q of questions) {
    const group = page.locator(`#q-${q}`);
    assert.equal(await group.getAttribute('aria-required'), 'true', q);
    assert.equal(await group.locator('legend .required').count(), 1, q);
  }
  assert.ok(await page.locator('#open-case').getByRole('radiogroup').count() >= 4);
  for (const id of ['#f-received_on', '#f-received_by', '#f-channel']) {
    assert.equal(await page.locator(id).getAttribute('aria-required'), 'true', id);
  }
});

test('one submit names every problem of the open-a-case form, each next to its field', async () => {
  await page.locator('#f-received_by').fill('');
  await page.locator('#f-notice_period_days').fill('-5');
  await page.locator('#f-requested_end_on').fill('2000-01-01');
  await page.getByRole('button', { name: 'Open the case' }).click();
  await page.locator('.alert-error').first().waitFor();
  // The server answered (the browser did not stop the post at the first field).
  assert.match(page.url(), /\/clients\/\d+\/cases$/);
  assert.match(await page.locator('#f-notice_period_days').locator('xpath=..').locator('.field-error').textContent(), /not valid/);
  assert.match(await page.locator('#f-received_by').locator('xpath=..').locator('.field-error').textContent(), /Please fill this in/);
  assert.match(await page.locator('#f-requested_end_on').locator('xpath=..').locator('.field-error').textContent(), /on or after the notice date/);
  for (const q of questions) {
    assert.match(await page.locator(`#q-${q} .field-error`).textContent(), /Please fill this in/, q);
  }
  assert.equal(await page.locator('.field-error').count(), 7);
});

test('a good notice opens the case on its own page, whose exit conversation marks its questions', async () => {
  await page.locator('#f-received_by').fill('Ana');
  await page.locator('#f-notice_period_days').fill('30');
  await page.locator('#f-requested_end_on').fill('2030-01-31');
  for (const q of questions) {
    await page.locator(`#q-${q} input[value="yes"]`).check();
  }
  await page.getByRole('button', { name: 'Open the case' }).click();
  await page.waitForURL(/\/cases\/\d+\?done=case-opened/);
  for (const q of ['controllable', 'renegotiable']) {
    const group = page.locator(`#exit-${q}`);
    assert.equal(await group.getAttribute('aria-required'), 'true', q);
    assert.equal(await group.locator('legend .required').count(), 1, q);
  }
  assert.equal(await page.locator('#exit-primary_reason').getAttribute('aria-required'), 'true');
});
