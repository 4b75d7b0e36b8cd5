// Under the Content-Security-Policy of every page (no inline script or
// style, our own files only), the demo dashboard and a client page still
// draw their charts with ECharts, tooltips included, and the browser
// reports no violation. Also: the pages cannot be framed, and a sign-in
// `next` with a tab (which browsers strip) stays on this site.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, startBrowser } from '../lib/harness.mjs';

let server;
let chrome;
let page;
const violations = [];

before(async () => {
  server = await startServer({ demo: true });
  chrome = await startBrowser();
  // Every document of the context reports its CSP violations to us.
  await chrome.context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolations = window.__cspViolations || [];
      window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
    });
  });
  page = await chrome.context.newPage();
  page.setDefaultTimeout(20000);
  page.on('console', (msg) => {
    if (/Content Security Policy|Refused to/i.test(msg.text())) violations.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (e) => violations.push(`page error: ${e.message}`));
  await page.goto(server.url + '/login?next=/%09/evil.test/steal');
  await page.locator('#f-email').fill('demo@churnwise.local');
  await page.locator('#f-password').fill('churnwise-demo');
  await page.locator('form[action="/login"] button[type="submit"]').click();
  await page.waitForLoadState('load');
});

after(async () => {
  await chrome?.stop();
  await server?.stop();
});

async function reported() {
  const inPage = await page.evaluate(() => window.__cspViolations || []);
  return [...violations, ...inPage];
}

/** Every chart of the page drew: `data-drawn="true"` and an SVG or canvas with a size. */
async function assertChartsDrew(minimum) {
  await page.waitForFunction(() => [...document.querySelectorAll('[data-chart]')].every((el) => el.hasAttribute('data-drawn')));
  const charts = await page.evaluate(() => [...document.querySelectorAll('[data-chart]')].map((el) => {
    const surface = el.querySelector('svg, canvas');
    const box = surface ? surface.getBoundingClientRect() : { width: 0, height: 0 };
    return { id: el.id, drawn: el.getAttribute('data-drawn'), width: box.width, height: box.height, shapes: el.querySelectorAll('svg path, svg rect').length };
  }));
  const drawn = charts.filter((c) => c.drawn === 'true');
  assert.ok(drawn.length >= minimum, JSON.stringify(charts));
  for (const c of drawn) {
    assert.ok(c.width > 100 && c.height > 100, `${c.id} has a size: ${JSON.stringify(c)}`);
    assert.ok(c.shapes > 5, `${c.id} has shapes: ${JSON.stringify(c)}`);
  }
  assert.ok(charts.every((c) => c.drawn !== 'failed'), JSON.stringify(charts));
  return drawn;
}

/** Hovers a chart until its tooltip (drawn in the chart's SVG) shows. */
async function hoverForTooltip(id) {
  const chart = page.locator(`#${id}`);
  await chart.scrollIntoViewIfNeeded();
  const box = await chart.boundingBox();
  const before = await chart.locator('svg').first().textContent();
  for (const fx of [0.5, 0.6, 0.4, 0.7, 0.3, 0.8]) {
    await page.mouse.move(box.x + box.width * fx, box.y + box.height * 0.55);
    await page.waitForTimeout(300);
    if ((await chart.locator('svg').first().textContent()) !== before) return true;
  }
  return false;
}

test('a sign-in next with a tab lands on this site, not on evil.test', async () => {
  const url = new URL(page.url());
  assert.equal(url.origin, server.url);
  assert.ok(!page.url().includes('evil.test'), page.url());
});

test('the dashboard draws its charts and tooltips with no CSP violation', async () => {
  await page.goto(server.url + '/dashboard');
  const drawn = await assertChartsDrew(3);
  assert.ok(await hoverForTooltip(drawn[0].id), 'a tooltip shows');
  await page.waitForTimeout(300);
  assert.deepEqual(await reported(), []);
});

test('a client page draws its MRR chart with no CSP violation', async () => {
  const client = await page.evaluate(async () => {
    const list = await (await fetch('/api/v1/clients?per_page=50')).json();
    return (list.items || list)[0].id;
  });
  await page.goto(`${server.url}/clients/${client}`);
  const drawn = await assertChartsDrew(1);
  assert.ok(await hoverForTooltip(drawn[0].id), 'a tooltip shows');
  await page.waitForTimeout(300);
  assert.deepEqual(await reported(), []);
});

test('the pages answer with a strict CSP and cannot be framed', async () => {
  const response = await page.goto(server.url + '/settings');
  const headers = response.headers();
  assert.match(headers['content-security-policy'], /frame-ancestors 'none'/);
  assert.doesNotMatch(headers['content-security-policy'], /unsafe-inline/);
  assert.equal(headers['x-frame-options'], 'DENY');
  // A page of the same site trying to frame /settings gets an empty frame.
  await page.setContent(`<iframe id="f" src="${server.url}/settings" width="400" height="300"></iframe>`);
  await page.waitForTimeout(1000);
  const framed = page.frames().find((f) => f.url().includes('/settings'));
  const text = framed ? await framed.evaluate(() => document.body?.innerText || '').catch(() => '') : '';
  assert.ok(!/Settings|Ajustes/.test(text), `the framed page shows nothing: ${text.slice(0, 80)}`);
});
