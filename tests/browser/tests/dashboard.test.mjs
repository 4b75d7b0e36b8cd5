// The demo workspace. The dashboard shows the figures of the metrics API:
// the headline cards, every month of the churn table and the CSV download
// agree with GET /api/v1/metrics for the same months, in both languages.
// The reasons chart is drawn, its table shows the reasons report of the
// API, and every chart offers an Excel workbook beside its CSV.
// A client with an open departure case shows it with its current stage.
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

async function api(from, to) {
  return page.evaluate(async ([f, t]) => {
    const r = await fetch(`/api/v1/metrics?from=${f}&to=${t}`);
    return r.json();
  }, [from, to]);
}

const close = (a, b) => Math.abs(a - b) < 1e-9;

test('the headline cards and the churn table show the metrics API figures', async () => {
  const from = await page.locator('#f-from').inputValue();
  const to = await page.locator('#f-to').inputValue();
  const doc = await api(from, to);
  assert.equal(doc.months.length, 12);
  const last = doc.months[doc.months.length - 1];
  const card = async (name) => page.locator(`[data-metric="${name}"]`).getAttribute('data-value');
  assert.ok(close(Number(await card('churn_rate_pct')), last.churn_rate_pct));
  assert.ok(close(Number(await card('mrr_end')), last.mrr_end));
  assert.equal(Number(await card('customers_end')), last.customers_end);
  assert.ok(close(Number(await card('arpa')), last.arpa));
  assert.equal(
    await page.locator('[data-metric="churn_rate_pct"]').textContent(),
    `${last.churn_rate_pct.toFixed(1)}%`,
  );
  for (const m of doc.months) {
    const cell = page.locator(`#table-churn td[data-month="${m.month}"]`);
    const value = await cell.getAttribute('data-value');
    if (m.churn_rate_pct === null) assert.equal(value, '');
    else assert.ok(close(Number(value), m.churn_rate_pct), `${m.month}: ${value} vs ${m.churn_rate_pct}`);
  }
});

test('another range shows that range, and the CSV download has the same numbers', async () => {
  await page.locator('#f-from').fill('2025-01');
  await page.locator('#f-to').fill('2025-06');
  await page.getByRole('button', { name: 'Show' }).click();
  await page.waitForURL(/from=2025-01&to=2025-06/);
  const doc = await api('2025-01', '2025-06');
  const rows = await page.locator('#table-churn tbody tr').count();
  assert.equal(rows, 6);
  const href = await page.locator('#chart-churn ~ .downloads a, figure:has(#chart-churn) .downloads a').first().getAttribute('href');
  const csv = await page.evaluate(async (u) => (await fetch(u)).text(), href);
  // Text cells are quoted; these figures hold no comma, so a split is enough.
  const lines = csv.trim().split('\n').slice(1).map((l) => l.split(',').map((c) => c.replace(/^"|"$/g, '')));
  assert.equal(lines.length, 6);
  lines.forEach((cols, i) => {
    const m = doc.months[i];
    assert.equal(cols[0], m.month);
    assert.equal(Number(cols[1]), m.customers_start);
    assert.equal(Number(cols[2]), m.churned_customers);
    if (m.churn_rate_pct !== null) assert.ok(close(Number(cols[3]), m.churn_rate_pct));
  });
});

test('departures by reason are drawn, with the reasons report of the API in the table and an Excel download', async () => {
  await page.goto(server.url + '/dashboard');
  const from = await page.locator('#f-from').inputValue();
  const to = await page.locator('#f-to').inputValue();
  const doc = await page.evaluate(async ([f, t]) => (await fetch(`/api/v1/reports/reasons?from=${f}&to=${t}`)).json(), [from, to]);
  assert.ok(doc.grand_total.departures > 0, 'the demo has departures in the last twelve months');
  const chart = page.locator('#chart-reasons');
  await page.waitForSelector('#chart-reasons[data-drawn="true"]');
  assert.ok(await chart.locator('svg path').count() > doc.reasons.length, 'bars and a line are drawn');
  const legend = await chart.locator('svg').textContent();
  assert.ok(legend.includes(doc.reasons[0].label_en), `the legend names ${doc.reasons[0].label_en}`);
  assert.ok(legend.includes('Lost MRR'));
  await page.locator('figure:has(#chart-reasons) summary').click();
  assert.equal(await page.locator('#table-reasons tbody tr').count(), doc.rows.length);
  assert.equal(Number(await page.locator('#table-reasons [data-grand-total]').getAttribute('data-grand-total')), doc.grand_total.departures);
  for (const row of doc.rows) {
    const tr = page.locator(`#table-reasons tr[data-month="${row.label}"]`);
    assert.equal(Number(await tr.locator('td[data-reason=""][data-departures]').getAttribute('data-departures')), row.total.departures);
    assert.ok(close(Number(await tr.locator('td[data-reason=""][data-lost-mrr]').getAttribute('data-lost-mrr')), row.total.lost_mrr));
  }
  const links = page.locator('figure:has(#chart-reasons) .downloads a');
  assert.deepEqual(await links.allTextContents(), ['Download CSV', 'Download Excel (.xlsx)']);
  const xlsx = await page.evaluate(async (u) => {
    const r = await fetch(u);
    const bytes = new Uint8Array(await r.arrayBuffer());
    return { type: r.headers.get('content-type'), magic: String.fromCharCode(bytes[0], bytes[1]) };
  }, await links.nth(1).getAttribute('href'));
  assert.equal(xlsx.type, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  assert.equal(xlsx.magic, 'PK');
  assert.equal(await page.locator('.downloads a[data-format="xlsx"]').count(), 8, 'every chart has an Excel download');
});

test('a client with an open departure case shows the case and its current stage', async () => {
  const found = await page.evaluate(async () => {
    for (const stage of ['notice', 'exit_conversation', 'retention', 'offboarding', 'feedback']) {
      const { items: cases } = await (await fetch(`/api/v1/cases?stage=${stage}`)).json();
      if (cases.length) return { client: cases[0].client_id, stage, id: cases[0].id };
    }
    return null;
  });
  assert.ok(found, 'the demo has open cases');
  await page.goto(`${server.url}/clients/${found.client}`);
  const article = page.locator(`#case-${found.id}`);
  assert.match(await article.textContent(), /Open case/);
  const names = { notice: 'Notice', exit_conversation: 'Exit conversation', retention: 'Retention attempt', offboarding: 'Offboarding', feedback: 'Feedback' };
  assert.equal(await article.locator('[aria-current="step"]').textContent(), names[found.stage]);
  await page.goto(server.url + '/dashboard');
});

test('in Spanish the figures use a decimal comma and Spanish months', async () => {
  await page.getByRole('button', { name: 'Español' }).click();
  await page.waitForURL(/\/dashboard/);
  assert.equal(await page.locator('h1').textContent(), 'Panel');
  const text = await page.locator('[data-metric="churn_rate_pct"]').textContent();
  assert.match(text, /^\d+,\d\u00a0%$/);
  assert.match(await page.locator('[data-metric="mrr_end"]').textContent(), /^[\d.]+,\d\d\u00a0€$/);
  assert.match(await page.locator('.lead').textContent(), /^Cifras de (ene|feb|mar|abr|may|jun|jul|ago|sept|oct|nov|dic) \d{4} a /);
});
