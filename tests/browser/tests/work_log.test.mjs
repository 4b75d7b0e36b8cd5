// The work log and exclusivity in the browser (issue 16), on a 375 px wide
// phone, in English and in Spanish: work is logged on a client's page,
// edited there (its form filled with the entry), the final report page
// shows it, an exclusivity is added, and the new-client form warns about a
// client inside it until "save anyway" is ticked. No page scrolls
// sideways. Each step is checked against the JSON API with the session's
// cookie.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/harness.mjs';
import { phonePage as openPhonePage, fitsThePhone, apiGet, signUp, signIn } from '../lib/phone.mjs';

const email = 'ana@example.com';
const password = 'a long enough password';

let server;
const browsers = [];

before(async () => {
  server = await startServer();
});

after(async () => {
  for (const b of browsers) await b.stop();
  await server?.stop();
});

/** A page in a fresh browser at phone width, in `locale`. */
const phonePage = (locale) => openPhonePage(browsers, locale);

/** A GET of the JSON API with the page's session cookie. */
const api = (page, path) => apiGet(page, server.url, path);

/** Creates a client on the new-client form; returns its id. */
async function newClient(page, name, segment) {
  await page.goto(server.url + '/clients/new');
  await page.locator('#f-name').fill(name);
  await page.locator('#f-segment').fill(segment);
  await page.locator('form[action="/clients"] button[type="submit"]').click();
  await page.waitForURL(/\/clients\/\d+\?done=client-created/);
  return Number(page.url().split('?')[0].split('/').pop());
}

/** The whole story in one language. */
async function story(page, words) {
  const id = await newClient(page, words.client, words.segment);
  const clientUrl = `${server.url}/clients/${id}`;

  // Log work.
  await page.locator('#add-work summary').click();
  await page.locator('#f-work-title').fill(words.work);
  await page.locator('#f-work-result').fill('12.5');
  await page.locator('#f-work-unit').fill('%');
  await page.locator('#add-work button[type="submit"]').click();
  await page.waitForURL(/done=work-added/);
  assert.match(await page.locator('#work').textContent(), new RegExp(words.work));
  const [entry] = (await api(page, `/clients/${id}/work`)).items;
  assert.equal(entry.title, words.work);
  await fitsThePhone(page, `the client page (${words.lang})`);

  // Edit it: the form holds the entry; a refused change keeps it open.
  await page.locator(`#edit-work-${entry.id} summary`).click();
  assert.equal(await page.locator(`#f-work-${entry.id}-title`).inputValue(), words.work);
  assert.equal(await page.locator(`#f-work-${entry.id}-result`).inputValue(), '12.5');
  await page.locator(`#f-work-${entry.id}-result`).fill('12%');
  await page.locator(`#edit-work-${entry.id} button[type="submit"]`).click();
  await page.waitForSelector(`#f-work-${entry.id}-result-error`);
  assert.equal(await page.locator(`#edit-work-${entry.id}`).getAttribute('open'), '');
  assert.equal((await api(page, `/clients/${id}/work`)).items[0].result, '12.5', 'nothing stored');
  await page.locator(`#f-work-${entry.id}-title`).fill(words.edited);
  await page.locator(`#f-work-${entry.id}-result`).fill('15');
  await page.locator(`#edit-work-${entry.id} button[type="submit"]`).click();
  await page.waitForURL(/done=work-changed/);
  assert.match(await page.locator('.alert-ok').textContent(), new RegExp(words.changed));
  assert.match(await page.locator('#work').textContent(), new RegExp(words.edited));
  const edited = (await api(page, `/clients/${id}/work`)).items[0];
  assert.equal(edited.title, words.edited);
  assert.equal(edited.result, '15');

  // The final report shows the edited work.
  await page.locator('#final-report-link').click();
  await page.waitForURL(/\/final-report/);
  assert.match(await page.locator('h1').first().textContent(), new RegExp(words.report));
  assert.match(await page.locator('main').textContent(), new RegExp(words.edited));
  await fitsThePhone(page, `the final report (${words.lang})`);

  // An exclusivity over the client's segment, then a new client inside it.
  await page.goto(clientUrl);
  await page.locator('#add-exclusivity summary').click();
  await page.locator('#f-excl-kind').selectOption('segment');
  await page.locator('#f-excl-segment').fill(words.segment);
  await page.locator('#f-excl-starts_on').fill('2020-01-01');
  await page.locator('#add-exclusivity button[type="submit"]').click();
  await page.waitForURL(/done=exclusivity-added/);
  const held = await api(page, `/clients/${id}/exclusivities`);
  assert.equal(held.items.length, 1);

  await page.goto(server.url + '/clients/new');
  await page.locator('#f-name').fill(words.rival);
  await page.locator('#f-segment').fill(words.segment.toLowerCase());
  await page.locator('form[action="/clients"] button[type="submit"]').click();
  const warning = page.locator('#exclusivity-warning');
  await warning.waitFor();
  assert.match(await warning.textContent(), new RegExp(words.warning));
  assert.match(await warning.textContent(), new RegExp(words.client));
  await fitsThePhone(page, `the new-client form with the warning (${words.lang})`);
  const found = await api(page, `/clients?q=${encodeURIComponent(words.rival)}`);
  assert.equal(found.total, 0, 'nothing saved before confirming');
  await page.locator('input[name="confirm_exclusivity"]').check();
  await page.locator('form[action="/clients"] button[type="submit"]').click();
  await page.waitForURL(/\/clients\/\d+\?done=client-created/);
}

test('in English: work logged, edited, reported, and a new client warned about an exclusivity', async () => {
  const page = await phonePage('en-GB');
  await signUp(page, server.url, email, password);
  await story(page, {
    lang: 'en',
    client: 'Bakery Lola',
    segment: 'Bakery',
    work: 'Newsletter redesign',
    edited: 'Newsletter redesign, second round',
    changed: 'Work-log entry changed',
    report: 'Final report: Bakery Lola',
    rival: 'Oven Rival',
    warning: 'would fall inside the exclusivity of another client',
  });
});

test('en español: trabajo registrado, editado, en el informe, y el aviso de exclusividad', async () => {
  const page = await phonePage('es-ES');
  await signIn(page, server.url, email, password);
  await story(page, {
    lang: 'es',
    client: 'Panadería Sol',
    segment: 'Panaderia',
    work: 'Rediseño del boletín',
    edited: 'Rediseño del boletín, segunda vuelta',
    changed: 'Entrada del registro de trabajo cambiada',
    report: 'Informe final: Panadería Sol',
    rival: 'Horno Rival',
    warning: 'caería dentro de la exclusividad de otro cliente',
  });
});
