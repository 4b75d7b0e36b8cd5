// Saves the main pages of the demo workspace, in English and Spanish, to
// docs/screenshots/ (run by scripts/screenshots.sh). Each language gets
// its own server whose demo is made in that language (`serve --demo
// --lang <lang>`), so a Spanish screenshot
// shows Spanish data, and is taken with the interface in that language.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, startBrowser, repo } from './lib/harness.mjs';

const out = join(repo, 'docs', 'screenshots');
mkdirSync(out, { recursive: true });

const chrome = await startBrowser();
let server = null;
try {
  const page = await chrome.context.newPage();
  page.setDefaultTimeout(20000);
  const shot = async (name) => {
    await page.waitForLoadState('networkidle');
    await page.screenshot({ path: join(out, `${name}.png`), fullPage: true });
    console.log(`docs/screenshots/${name}.png`);
  };

  for (const lang of ['en', 'es']) {
    server = await startServer({ demo: true, lang });
    let caseId = null;
    let surveyPath = null;
    await chrome.context.clearCookies();
    await chrome.context.addCookies([{ name: 'lang', value: lang, url: server.url }]);
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(server.url + '/login');
    await shot(`${lang}-sign-in`);
    await page.locator('#f-email').fill('demo@churnwise.local');
    await page.locator('#f-password').fill('churnwise-demo');
    await page.locator('form[action="/login"] button[type="submit"]').click();
    await page.waitForURL(/\/dashboard$/);
    await page.waitForSelector('[data-drawn="true"]');
    await shot(`${lang}-dashboard`);
    await page.goto(server.url + '/clients');
    await shot(`${lang}-clients`);

    // The client with the richest record: an open departure case first,
    // then overdue invoices, then the most interactions.
    const id = await page.evaluate(async () => {
      const leaving = await (await fetch('/api/v1/clients?per_page=40&status=leaving')).json();
      const list = leaving.items.length ? leaving : await (await fetch('/api/v1/clients?per_page=40&status=active')).json();
      let best = list.items[0].id;
      let score = -1;
      for (const c of list.items) {
        const [inv, int] = await Promise.all([
          fetch(`/api/v1/clients/${c.id}/invoices`).then((r) => r.json()),
          fetch(`/api/v1/clients/${c.id}/interactions`).then((r) => r.json()),
        ]);
        const today = new Date().toISOString().slice(0, 10);
        const overdue = inv.filter((i) => !i.paid_on && i.due_on < today).length;
        const s = overdue * 100 + Math.min(int.length, 20);
        if (s > score) { score = s; best = c.id; }
      }
      return best;
    });
    await page.goto(`${server.url}/clients/${id}`);
    await page.waitForSelector('[data-drawn="true"]');
    await shot(`${lang}-client`);
    await page.goto(server.url + '/due');
    await shot(`${lang}-due`);
    await page.goto(server.url + '/cases');
    await shot(`${lang}-cases`);

    // A departure case in a later stage (offboarding first), with an exit
    // survey link issued once through the API and answered by nobody yet.
    if (!caseId) {
      const issued = await page.evaluate(async () => {
        const csrf = document.querySelector('input[name="csrf"]').value;
        for (const stage of ['offboarding', 'feedback', 'retention']) {
          const { items: cases } = await (await fetch(`/api/v1/cases?stage=${stage}`)).json();
          for (const c of cases) {
            const r = await fetch(`/api/v1/cases/${c.id}/survey`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
              body: '{}',
            });
            if (r.status === 201) return { id: c.id, path: (await r.json()).path };
          }
        }
        return null;
      });
      if (!issued) throw new Error('no demo case in a later stage takes a survey link');
      caseId = issued.id;
      surveyPath = issued.path;
    }
    await page.goto(`${server.url}/cases/${caseId}`);
    await shot(`${lang}-case`);
    await page.goto(server.url + surveyPath);
    await shot(`${lang}-survey`);

    await page.goto(server.url + '/settings');
    await shot(`${lang}-settings`);
    await page.setViewportSize({ width: 375, height: 800 });
    await page.goto(`${server.url}/clients/${id}`);
    await page.waitForSelector('[data-drawn="true"]');
    await shot(`${lang}-client-phone`);
    await page.goto(server.url + surveyPath);
    await shot(`${lang}-survey-phone`);
    await server.stop();
    server = null;
  }
} finally {
  await chrome.stop();
  await server?.stop();
}
