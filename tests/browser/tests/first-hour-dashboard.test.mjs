// What a new user sees in the first hour on the demo workspace (#13), as
// only a browser shows it: chart legends drawn whole (no "1/2" pager, no
// cut labels, clear of the plot), a 36-row cohort heat map whose labels do
// not overlap, and a cases table that fits a 1,280 px window with its
// outcome, MRR lost and satisfaction columns in view.
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
  await page.setViewportSize({ width: 1280, height: 800 });
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

/** The month `k` months before the current one, as YYYY-MM. */
function monthBefore(k) {
  const d = new Date();
  const m = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - k, 1));
  return m.toISOString().slice(0, 7);
}

/** Boxes of the SVG texts of a chart: [{ text, x, y, width, height }]. */
async function texts(id) {
  return page.locator(`#${id} svg text`).evaluateAll((nodes) => nodes.map((n) => {
    const r = n.getBoundingClientRect();
    return { text: n.textContent, x: r.x, y: r.y, width: r.width, height: r.height };
  }));
}

const overlap = (a, b) => a.x < b.x + b.width - 0.5 && b.x < a.x + a.width - 0.5
  && a.y < b.y + b.height - 0.5 && b.y < a.y + a.height - 0.5;

for (const id of ['chart-movements', 'chart-reasons']) {
  test(`the legend of ${id} shows every label whole, without a pager`, async () => {
    await page.goto(`${server.url}/dashboard?from=${monthBefore(12)}&to=${monthBefore(1)}`);
    await page.waitForSelector(`#${id}[data-drawn="true"]`);
    const doc = JSON.parse(await page.locator(`#${id}-data`).textContent());
    const names = doc.series.filter((s) => s.draw !== 'band_low').map((s) => s.name);
    assert.ok(names.length >= 5, `${id} has ${names.length} series`);
    const all = await texts(id);
    assert.ok(!all.some((t) => /^\d+\/\d+$/.test(t.text)), `a pager on ${id}: ${all.map((t) => t.text)}`);
    const box = await page.locator(`#${id}`).boundingBox();
    const legend = names.map((name) => {
      const found = all.find((t) => t.text === name);
      assert.ok(found, `legend label "${name}" is not shown whole on ${id}`);
      return found;
    });
    for (const item of legend) {
      assert.ok(item.x >= box.x - 1 && item.x + item.width <= box.x + box.width + 1, `"${item.text}" is cut at the side`);
    }
    // No legend label sits on another text (axis labels of the plot included).
    for (const item of legend) {
      for (const other of all) {
        if (other === item || other.width === 0) continue;
        assert.ok(!overlap(item, other), `"${item.text}" overlaps "${other.text}" on ${id}`);
      }
    }
  });
}

test('a heat map of 36 cohorts shows every row label, none overlapping', async () => {
  await page.goto(`${server.url}/dashboard?from=${monthBefore(36)}&to=${monthBefore(1)}`);
  await page.waitForSelector('#chart-cohorts[data-drawn="true"]');
  const doc = JSON.parse(await page.locator('#chart-cohorts-data').textContent());
  assert.ok(doc.y.length >= 30, `only ${doc.y.length} cohorts`);
  const all = await texts('chart-cohorts');
  const rows = doc.y.map((label) => {
    const found = all.find((t) => t.text === label);
    assert.ok(found, `the row label "${label}" is not shown`);
    return found;
  });
  for (let i = 1; i < rows.length; i += 1) {
    assert.ok(!overlap(rows[i - 1], rows[i]), `"${rows[i - 1].text}" overlaps "${rows[i].text}"`);
  }
  const columns = all.filter((t) => /^\+\d+$/.test(t.text) && t.width > 0);
  for (let i = 1; i < columns.length; i += 1) {
    assert.ok(!overlap(columns[i - 1], columns[i]), `"${columns[i - 1].text}" overlaps "${columns[i].text}"`);
  }
});

test('the cases table fits a 1,280 px window with outcome, MRR lost and satisfaction in view', async () => {
  await page.goto(`${server.url}/cases`);
  const table = await page.locator('.cases-table').boundingBox();
  const wrap = await page.locator('.cases-table').evaluate((t) => t.parentElement.getBoundingClientRect().toJSON());
  assert.ok(table.width <= wrap.width + 0.5, `table ${table.width} px in a ${wrap.width} px box`);
  for (const id of ['cases-col-outcome', 'cases-col-lost-mrr', 'cases-col-satisfaction']) {
    const th = await page.locator(`#${id}`).boundingBox();
    assert.ok(th, `#${id} is missing`);
    assert.ok(th.x >= wrap.x - 0.5 && th.x + th.width <= wrap.x + wrap.width + 0.5, `#${id} is outside the box`);
    assert.ok(th.x + th.width <= 1280, `#${id} is off screen`);
  }
});
