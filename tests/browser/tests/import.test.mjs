// Import in the browser, on SQLite and (when CHURNWISE_TEST_POSTGRES is
// set) PostgreSQL: a new user in an empty workspace brings in customers,
// subscriptions (with foreign headers: guessed, then one column chosen by
// hand), invoices (a large file, with its progress bar) and usage events
// (foreign headers guessed; a bad usage file stores nothing); a bad file
// shows its problems, translated, with line and column, and writes
// nothing; the same customers file sent to POST /api/v1/imports updates
// what the page created.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, startBrowser } from '../lib/harness.mjs';

const password = 'a long enough password';

const CUSTOMERS = 'customer_id,name,owner,segment\nC1,Acme,ana,smb\nC2,Beta,bruno,\nC3,Gamma,,agency\n';
// A Holded-like export: Spanish headers; "Desde" is no usual name for the start.
const SUBSCRIPTIONS = 'ID,Cliente,Plan,Importe mensual,Desde,Fin\n'
  + 'S1,C1,pro,100,2024-01-01,2024-03-01\n'
  + 'S1,C1,pro,150,2024-03-01,\n'
  + 'S2,C2,basic,49.90,2024-01-15,\n';
const INVOICE_ROWS = 4000;
function invoices() {
  let text = 'invoice_id,customer_id,amount,issued_on,due_on,paid_on\n';
  for (let i = 1; i <= INVOICE_ROWS; i++) {
    text += `I${i},C${(i % 3) + 1},${10 + (i % 90)}.50,2024-01-01,2024-01-31,${i % 5 ? '2024-01-20' : ''}\n`;
  }
  return text;
}
const BAD_INVOICES = 'invoice_id,customer_id,amount,due_on\nX1,C1,12,2024-02-01\nX2,C1,doce,2024-02-01\nX3,C9,5,2024-13-01\n';

// PostgreSQL when a server is given and psql can make a fresh database on it.
function hasPsql() {
  try {
    execFileSync('psql', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const backends = [{ name: 'SQLite', database: null }];
if (process.env.CHURNWISE_TEST_POSTGRES) {
  if (hasPsql()) backends.push({ name: 'PostgreSQL', postgres: process.env.CHURNWISE_TEST_POSTGRES });
  else console.log('# import.test.mjs: psql is missing, PostgreSQL skipped');
}

function psql(url, sql) {
  execFileSync('psql', [url, '-q', '-c', sql], { stdio: 'ignore' });
}

for (const backend of backends) {
  describe(`import in the browser on ${backend.name}`, () => {
    let server;
    let chrome;
    let page;
    let database = backend.database;
    let adminUrl;
    let dbName;

    before(async () => {
      if (backend.postgres) {
        const url = new URL(backend.postgres);
        dbName = `churnwise_browser_import_${process.pid}_${Date.now()}`;
        url.pathname = '/postgres';
        adminUrl = url.toString();
        psql(adminUrl, `CREATE DATABASE ${dbName}`);
        url.pathname = `/${dbName}`;
        database = url.toString();
      }
      server = await startServer({ database });
      chrome = await startBrowser();
      page = await chrome.context.newPage();
      page.setDefaultTimeout(20000);
      await page.goto(server.url + '/setup');
      await page.getByLabel('Workspace name').fill('Studio');
      await page.getByLabel('Email').fill('ana@example.com');
      await page.locator('#f-password').fill(password);
      await page.getByLabel('Password again').fill(password);
      await page.getByRole('button', { name: 'Create account and workspace' }).click();
      await page.waitForURL(/\/dashboard$/);
    });

    after(async () => {
      await chrome?.stop();
      await server?.stop();
      if (dbName) psql(adminUrl, `DROP DATABASE IF EXISTS ${dbName}`);
    });

    async function upload(kind, name, text) {
      await page.goto(server.url + '/import');
      await page.getByLabel('What the file holds').selectOption(kind);
      await page.locator('#f-file').setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(text) });
      await page.getByRole('button', { name: 'Upload and preview' }).click();
      await page.waitForURL(/\/import\/\d+$/);
    }

    async function importAll() {
      await page.getByRole('button', { name: 'Import all rows' }).click();
      await page.waitForSelector('#import-summary', { timeout: 60000 });
      return (await page.locator('#import-summary').textContent()).trim();
    }

    test('an empty workspace points to the import page, from the dashboard and the clients page', async () => {
      await page.goto(server.url + '/dashboard');
      await page.getByRole('link', { name: 'Import your clients' }).click();
      await page.waitForURL(/\/import$/);
      await page.goto(server.url + '/clients');
      assert.equal(await page.getByRole('link', { name: 'Import your clients' }).getAttribute('href'), '/import');
      assert.equal(await page.locator('nav.mainnav a[href="/import"]').textContent(), 'Import');
    });

    test('customers in the usual format are previewed, then imported', async () => {
      await upload('customers', 'customers.csv', CUSTOMERS);
      assert.match(await page.locator('#import-mapping').textContent(), /customer_id/);
      assert.equal(await page.locator('#import-sample tbody tr').count(), 3);
      assert.match(await page.locator('#import-counts').textContent(), /3 new records will be created; 0 existing records/);
      assert.equal(await importAll(), '3 rows: 3 new, 0 updated.');
    });

    test('subscriptions with foreign headers: the guess, one column chosen by hand, saved for next time', async () => {
      await upload('subscriptions', 'suscripciones.csv', SUBSCRIPTIONS);
      assert.equal(await page.locator('#map-customer_id').inputValue(), 'Cliente');
      assert.equal(await page.locator('#map-mrr').inputValue(), 'Importe mensual');
      assert.equal(await page.locator('#map-started_on').inputValue(), '');
      // Without a start the file cannot be read: the problem is shown, no go-ahead.
      assert.match(await page.locator('#import-problems').textContent(), /started_on.*a required column is missing/s);
      assert.equal(await page.getByRole('button', { name: 'Import all rows' }).count(), 0);
      await page.locator('#map-started_on').selectOption('Desde');
      await page.getByRole('button', { name: 'Apply these columns' }).click();
      await page.waitForSelector('#import-counts');
      assert.match(await page.locator('#import-counts').textContent(), /3 new records/);
      assert.equal(await importAll(), '3 rows: 3 new, 0 updated.');
      // The same headers again: the chosen mapping is applied at once.
      await upload('subscriptions', 'suscripciones-2.csv', SUBSCRIPTIONS);
      assert.equal(await page.locator('#map-started_on').inputValue(), 'Desde');
      assert.match(await page.locator('#import-counts').textContent(), /0 new records will be created; 3 existing records will be updated/);
    });

    test('a large invoices file is imported in the background with a progress bar', async () => {
      await upload('invoices', 'invoices.csv', invoices());
      assert.match(await page.locator('#import-counts').textContent(), new RegExp(`${INVOICE_ROWS.toLocaleString('en')} new records|${INVOICE_ROWS} new records`));
      await page.getByRole('button', { name: 'Import all rows' }).click();
      // Either the bar while it runs, or already the outcome (import.js reloads the page).
      await page.waitForSelector('#import-bar, #import-summary');
      await page.waitForSelector('#import-summary', { timeout: 60000 });
      assert.match(await page.locator('#import-summary').textContent(), /4,?000 rows: 4,?000 new, 0 updated\./);
    });

    test('a usage file with foreign headers is guessed, previewed and imported; a bad one stores nothing', async () => {
      const day = new Date(Date.now() - 3 * 86400000).toISOString().slice(0, 10);
      await upload('usage', 'events.csv', `Customer ID,Event,Date,Count\nC1,logins,${day},3\nC2,logins,${day},4\n`);
      assert.equal(await page.locator('#map-client').inputValue(), 'Customer ID');
      assert.equal(await page.locator('#map-metric').inputValue(), 'Event');
      assert.equal(await page.locator('#map-on').inputValue(), 'Date');
      assert.equal(await page.locator('#map-value').inputValue(), 'Count');
      assert.match(await page.locator('#import-counts').textContent(), /2 usage events will be added to the daily totals/);
      assert.equal(await importAll(), '2 rows: 2 events added, 0 skipped as sent before.');
      await upload('usage', 'bad.csv', `client,metric,on,value\nC1,logins,${day},5\nC9,logins,${day},1\nC1,logins,${day},lots\n`);
      const cells = async (n) => page.locator(`#import-problems tbody tr:nth-child(${n}) td`).allTextContents();
      const first = await cells(1);
      assert.deepEqual(first.slice(0, 2), ['3', 'client']);
      assert.match(first[2], /C9/);
      assert.deepEqual((await cells(2)).slice(0, 2), ['4', 'value']);
      assert.equal(await page.getByRole('button', { name: 'Import all rows' }).count(), 0);
      // Only the good file counted: C1's logins are 3, on its client page.
      await page.goto(server.url + '/clients?search=Acme');
      await page.getByRole('link', { name: 'Acme' }).first().click();
      await page.waitForURL(/\/clients\/\d+$/);
      assert.match(await page.locator('main').textContent(), /Last 28 days: 3 \(28 days before: 0\)/);
    });

    test('a bad file lists its problems in Spanish with line and column, and writes nothing', async () => {
      await page.goto(server.url + '/import');
      await page.locator('form.lang-switch button[lang="es"]').click();
      await page.waitForURL(/\/import$/);
      await page.getByLabel('Qué contiene el archivo').selectOption('invoices');
      await page.locator('#f-file').setInputFiles({ name: 'facturas.csv', mimeType: 'text/csv', buffer: Buffer.from(BAD_INVOICES) });
      await page.getByRole('button', { name: 'Subir y revisar' }).click();
      await page.waitForURL(/\/import\/\d+$/);
      const cells = async (n) => page.locator(`#import-problems tbody tr:nth-child(${n}) td`).allTextContents();
      assert.deepEqual(await cells(1), ['3', 'amount', '"doce" no es un número']);
      assert.deepEqual(await cells(2), ['4', 'due_on', '"2024-13-01" no es una fecha escrita como AAAA-MM-DD']);
      assert.equal(await page.getByRole('button', { name: 'Importar todas las filas' }).count(), 0);
      const invoicesOfC1 = await page.evaluate(async () => {
        const { items } = await (await fetch('/api/v1/clients?search=Acme')).json();
        return (await (await fetch(`/api/v1/clients/${items[0].id}/invoices`)).json()).length;
      });
      assert.ok(invoicesOfC1 > 0);
      assert.equal(await page.evaluate(async () => {
        const { items } = await (await fetch('/api/v1/clients?search=Acme')).json();
        const list = await (await fetch(`/api/v1/clients/${items[0].id}/invoices`)).json();
        return list.some((i) => i.invoice_ref === 'X1');
      }), false, 'the good row of the bad file was not written');
      await page.locator('form.lang-switch button[lang="en"]').click();
    });

    test('the same customers file sent to the API updates what the page created', async () => {
      await page.goto(server.url + '/import');
      const answer = await page.evaluate(async (text) => {
        const csrf = document.querySelector('input[name="csrf"]').value;
        const form = new FormData();
        form.append('kind', 'customers');
        form.append('file', new Blob([text], { type: 'text/csv' }), 'customers.csv');
        const r = await fetch('/api/v1/imports', { method: 'POST', body: form, headers: { 'X-CSRF-Token': csrf } });
        return { status: r.status, body: await r.json() };
      }, CUSTOMERS);
      assert.equal(answer.status, 201, JSON.stringify(answer.body));
      assert.deepEqual([answer.body.rows, answer.body.created, answer.body.updated], [3, 0, 3]);
    });
  });
}
