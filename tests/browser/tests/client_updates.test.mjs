// Client updates in the browser (issue 16, docs/client-updates.md), on a
// 375 px wide phone, in English and in Spanish: a monthly cadence is set
// (in English the workspace's default on Settings → Client updates; in
// Spanish that default back to off and the client's own cadence on its
// page), a client that started months ago gets a contact and a
// client-visible work entry, the Due page lists its update, the draft is in
// the reader's language and holds the work, a draft without a subject is
// refused with nothing stored, the edited text is downloaded as a printable
// page and then marked handed over: stored as sent, logged as a contact,
// and no longer due. No page scrolls sideways. Each step is checked against
// the JSON API with the session's cookie.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
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

/** The day `days` ago, as YYYY-MM-DD (UTC, as the server counts days). */
function daysAgo(days) {
  return new Date(Date.now() - days * 86400000).toISOString().slice(0, 10);
}

/** Sets the workspace's default cadence on Settings → Client updates. */
async function setDefaultCadence(page, cadence, words) {
  await page.goto(server.url + '/settings/client-updates');
  await page.locator('#f-default-cadence').selectOption(cadence);
  await page.locator('#cadences-form button[type="submit"]').click();
  await page.waitForURL(/\/settings\/client-updates\?done=saved$/);
  assert.match(await page.locator('.alert-ok').textContent(), new RegExp(words.cadencesSaved));
  assert.equal(await page.locator('#f-default-cadence').inputValue(), cadence);
  const { settings } = await api(page, '/settings');
  assert.equal(settings.client_updates.default_cadence, cadence);
  await fitsThePhone(page, `Settings → Client updates (${words.lang})`);
}

/** Creates a client owned by the signed-in user; returns its id. */
async function newClient(page, words) {
  await page.goto(server.url + '/clients/new');
  await page.locator('#f-name').fill(words.client);
  await page.locator('#f-owner').fill(email);
  await page.locator('#f-segment').fill(words.segment);
  await page.locator('form[action="/clients"] button[type="submit"]').click();
  await page.waitForURL(/\/clients\/\d+\?done=client-created/);
  return Number(page.url().split('?')[0].split('/').pop());
}

/** The whole story in one language. */
async function story(page, words) {
  const id = await newClient(page, words);
  const clientUrl = `${server.url}/clients/${id}`;
  const draftLink = `/clients/${id}/update`;

  // A subscription started 100 days ago: the client's start, so a monthly
  // update is due (client_updates::due counts from the earlier of the
  // first subscription's start and the day the client was recorded).
  const started = daysAgo(100);
  await page.locator('#add-subscription summary').click();
  await page.locator('#f-sub-subscription_ref').fill(`SUB-${id}`);
  await page.locator('#f-sub-mrr').fill('120');
  await page.locator('#f-sub-started_on').fill(started);
  await page.locator('#add-subscription button[type="submit"]').click();
  await page.waitForURL(/done=subscription-added/);
  const subs = await api(page, `/clients/${id}/subscriptions`);
  assert.equal(subs.length, 1);
  assert.equal(subs[0].started_on, started);

  // A contact with an address.
  const contacts = page.locator('#contacts');
  await contacts.locator('summary').click();
  await contacts.locator('#f-name').fill(words.contact);
  await contacts.locator('#f-email').fill(words.contactEmail);
  await contacts.locator('button[type="submit"]').click();
  await page.waitForURL(/\/clients\/\d+/);
  await page.waitForLoadState();
  const [contact] = await api(page, `/clients/${id}/contacts`);
  assert.equal(contact.email, words.contactEmail);

  // The cadence: in Spanish, the client's own, on its page.
  if (words.ownCadence) {
    await page.goto(clientUrl);
    await page.locator('#f-update-cadence').selectOption('monthly');
    await page.locator('form[action$="/update-cadence"] button[type="submit"]').click();
    await page.waitForURL(/done=update-cadence-set/);
    assert.match(await page.locator('.alert-ok').textContent(), new RegExp(words.cadenceSet));
    assert.equal(await page.locator('#f-update-cadence').inputValue(), 'monthly');
  }
  const cadence = await api(page, `/clients/${id}/update-cadence`);
  assert.equal(cadence.cadence, 'monthly');
  assert.equal(cadence.own, words.ownCadence ? 'monthly' : null);
  assert.equal(cadence.last_sent_on, null);
  assert.ok(cadence.next_due_on <= daysAgo(0), `due on ${cadence.next_due_on}`);

  // Client-visible work, logged on the client's page.
  await page.goto(clientUrl);
  await page.locator('#add-work summary').click();
  await page.locator('#f-work-title').fill(words.work);
  assert.equal(await page.locator('#f-work-visibility').inputValue(), 'client');
  await page.locator('#add-work button[type="submit"]').click();
  await page.waitForURL(/done=work-added/);
  const [entry] = (await api(page, `/clients/${id}/work`)).items;
  assert.equal(entry.title, words.work);
  assert.equal(entry.visibility, 'client');

  // The Due page lists the update, linking to the draft.
  const due = await api(page, '/client-updates/due?mine=true');
  assert.deepEqual(due.items.filter((u) => u.client_id === id).map((u) => u.cadence), ['monthly']);
  await page.goto(server.url + '/due');
  const link = page.locator(`#due-updates a[href="${draftLink}"]`);
  assert.match(await link.textContent(), new RegExp(words.dueLine));
  await fitsThePhone(page, `the Due page (${words.lang})`);
  await link.click();
  await page.waitForURL(new RegExp(`${draftLink}$`));

  // The draft: in the reader's language, holding the work.
  assert.equal((await page.locator('h1').textContent()).trim(), words.draftTitle);
  const body = await page.locator('#f-update-body').inputValue();
  assert.match(body, new RegExp(words.workHeading));
  assert.match(body, new RegExp(words.work));
  const draft = await api(page, `/clients/${id}/updates/draft?lang=${words.lang}`);
  assert.equal(await page.locator('#f-update-subject').inputValue(), draft.subject);
  assert.deepEqual(draft.entries.map((e) => e.title), [words.work]);
  assert.equal(draft.period_from, started);
  await fitsThePhone(page, `the draft (${words.lang})`);

  // No subject: refused next to the field, the text kept, nothing stored.
  await page.locator('#f-update-subject').fill('');
  await page.locator('#update-mark-downloaded').click();
  await page.waitForSelector('#f-update-subject-error');
  assert.equal((await page.locator('#f-update-subject-error').textContent()).trim(), words.required);
  assert.equal(await page.locator('#f-update-subject').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.locator('#f-update-body').inputValue(), body);
  assert.equal((await api(page, `/clients/${id}/updates`)).total, 0, 'nothing stored');
  await fitsThePhone(page, `the refused draft (${words.lang})`);

  // Edited, then downloaded as a printable page: the edited text.
  await page.locator('#f-update-subject').fill(words.subject);
  await page.locator('#f-update-body').fill(words.body);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.locator('#update-printable').click(),
  ]);
  assert.match(download.suggestedFilename(), new RegExp(`^update-${id}-\\d{4}-\\d{2}-\\d{2}\\.html$`));
  const printable = await readFile(await download.path(), 'utf8');
  const doc = await page.context().newPage();
  await doc.setContent(printable);
  assert.equal(await doc.locator('html').getAttribute('lang'), words.lang);
  assert.equal((await doc.locator('h1').textContent()).trim(), words.subject);
  assert.deepEqual(
    (await doc.locator('p').allTextContents()).map((p) => p.trim()),
    words.body.split('\n\n'),
  );
  await doc.close();
  assert.equal((await api(page, `/clients/${id}/updates`)).total, 0, 'the printable page stores nothing');

  // Marked handed over: stored as sent, logged as a contact, no longer due.
  assert.equal(await page.locator('#f-update-subject').inputValue(), words.subject);
  await page.locator('#update-mark-downloaded').click();
  await page.waitForURL(new RegExp(`/clients/${id}\\?done=update-sent#updates$`));
  assert.match(await page.locator('.alert-ok').textContent(), new RegExp(words.sent));
  assert.match(await page.locator('#updates').textContent(), new RegExp(words.subject));
  const sent = await api(page, `/clients/${id}/updates`);
  assert.equal(sent.total, 1);
  assert.equal(sent.items[0].subject, words.subject);
  assert.equal(sent.items[0].body, words.body);
  assert.equal(sent.items[0].channel, 'download');
  assert.equal(sent.items[0].period_from, started);
  assert.equal(sent.items[0].sent_on, daysAgo(0));
  const logged = (await api(page, `/clients/${id}/interactions`))
    .filter((i) => (i.note || '').includes(words.subject));
  assert.equal(logged.length, 1, 'one interaction logged by the send');
  assert.equal(logged[0].kind, 'email');
  assert.equal(logged[0].occurred_on, daysAgo(0));
  await fitsThePhone(page, `the client page after sending (${words.lang})`);

  const after = await api(page, `/clients/${id}/update-cadence`);
  assert.equal(after.last_sent_on, daysAgo(0));
  assert.ok(after.next_due_on > daysAgo(0), `next due on ${after.next_due_on}`);
  const dueAfter = await api(page, '/client-updates/due');
  assert.equal(dueAfter.items.filter((u) => u.client_id === id).length, 0);
  await page.goto(server.url + '/due');
  assert.equal(await page.locator(`a[href="${draftLink}"]`).count(), 0, 'the Due page no longer lists it');
}

test('in English: a monthly update composed from the work log, refused without a subject, downloaded and handed over', async () => {
  const page = await phonePage('en-GB');
  await signUp(page, server.url, email, password);
  await setDefaultCadence(page, 'monthly', { lang: 'en', cadencesSaved: 'The update cadences were saved' });
  await story(page, {
    lang: 'en',
    client: 'Florist Rosa',
    segment: 'Florist',
    contact: 'Rosa Gil',
    contactEmail: 'rosa@florist.example',
    ownCadence: false,
    work: 'Spring window display',
    dueLine: 'Update for Florist Rosa due since',
    draftTitle: 'Update for Florist Rosa',
    workHeading: 'What we did',
    required: 'Please fill this in.',
    subject: 'Florist Rosa: our spring work',
    body: 'Hello Rosa,\n\nWe dressed the spring window display.\n\nThank you for working with us.',
    sent: 'The update was stored as sent and logged as a contact',
  });
});

test('en español: un informe mensual compuesto del registro de trabajo, rechazado sin asunto, descargado y entregado', async () => {
  const page = await phonePage('es-ES');
  await signIn(page, server.url, email, password);
  // The workspace's default back to off: only the client's own cadence counts.
  await setDefaultCadence(page, 'off', { lang: 'es', cadencesSaved: 'Se guardaron las frecuencias de informes' });
  await story(page, {
    lang: 'es',
    client: 'Floristería Luna',
    segment: 'Floristeria',
    contact: 'Luna Pérez',
    contactEmail: 'luna@floristeria.example',
    ownCadence: true,
    cadenceSet: 'Se guardó la frecuencia de informes',
    work: 'Escaparate de primavera',
    dueLine: 'Informe para Floristería Luna pendiente desde el',
    draftTitle: 'Informe para Floristería Luna',
    workHeading: 'Lo que hicimos',
    required: 'Rellene este campo.',
    subject: 'Floristería Luna: nuestro trabajo de primavera',
    body: 'Hola, Luna:\n\nMontamos el escaparate de primavera.\n\nGracias por confiar en nosotros.',
    sent: 'El informe quedó guardado como enviado y anotado como contacto',
  });
});
