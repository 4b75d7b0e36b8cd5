// The departure settings of the demo workspace: a reason added on the
// settings page is offered in an open case's exit-conversation form, and
// no longer once retired; a checklist template gains an item.
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

/** An open demo case whose page offers the exit-conversation form. */
async function openCaseUrl() {
  const id = await page.evaluate(async () => {
    for (const stage of ['notice', 'exit_conversation', 'retention']) {
      const { items: cases } = await (await fetch(`/api/v1/cases?stage=${stage}`)).json();
      const kind = cases.find((c) => c.kind === 'client_leaving');
      if (kind) return kind.id;
    }
    return null;
  });
  assert.ok(id, 'the demo has an open case of a client leaving');
  return `${server.url}/cases/${id}`;
}

test('a reason added on the settings page is offered in an exit conversation until retired', async () => {
  await page.goto(server.url + '/settings');
  const form = page.locator('#new-reason');
  // A bad key first: refused next to the field, what was typed kept.
  await form.getByLabel('Label in English').fill('Moved the work in-house');
  await form.getByLabel('Label in Spanish').fill('Se llevó el trabajo a su equipo');
  await form.getByLabel('Key').fill('Moved In-House');
  await form.getByRole('button', { name: 'Add reason' }).click();
  await page.waitForSelector('#new-reason-key-error');
  assert.match(await page.locator('#new-reason-key-error').textContent(), /lower-case letters/);
  assert.equal(await page.locator('#new-reason-label_en').inputValue(), 'Moved the work in-house');
  await page.locator('#new-reason-key').fill('moved_in_house');
  await page.locator('#new-reason').getByRole('button', { name: 'Add reason' }).click();
  await page.waitForURL(/done=reasons-saved/);
  assert.equal(await page.locator('.alert-ok').textContent(), 'The reason list was saved.');
  assert.equal(await page.locator('#reason-moved_in_house strong').textContent(), 'Moved the work in-house');

  const caseUrl = await openCaseUrl();
  await page.goto(caseUrl);
  const option = page.locator('#exit-primary_reason option[value="moved_in_house"]');
  assert.equal(await option.textContent(), 'Moved the work in-house');
  assert.equal(await page.locator('#exit-secondary_reasons input[value="moved_in_house"]').count(), 1);

  await page.goto(server.url + '/settings');
  await page.getByRole('button', { name: 'Retire the reason Moved the work in-house' }).click();
  await page.waitForURL(/done=reasons-saved/);
  assert.match(await page.locator('#reason-moved_in_house').textContent(), /Retired/);
  await page.goto(caseUrl);
  assert.equal(await page.locator('#exit-primary_reason option[value="moved_in_house"]').count(), 0);
});

test('a checklist template gains an item from an empty row', async () => {
  await page.goto(server.url + '/settings');
  const template = page.locator('#template-0');
  const rows = await template.locator('.template-item').count();
  const n = rows - 2;
  await page.locator(`#template-0-item_en_${n}`).fill('Farewell call held');
  await page.locator(`#template-0-item_es_${n}`).fill('Llamada de despedida hecha');
  await template.getByRole('button', { name: 'Save checklist' }).click();
  await page.waitForURL(/done=templates-saved/);
  const doc = await page.evaluate(async () => (await fetch('/api/v1/checklist-templates')).json());
  const items = doc.templates[0].items;
  assert.equal(items[items.length - 1].label_en, 'Farewell call held');
  assert.equal(items[items.length - 1].key, 'farewell_call_held');
  assert.equal(items[items.length - 1].required, false);
});
