// The demo speaks one language (issue #13): the demo made with `--lang es`,
// read with the interface in Spanish, shows no English product words on its
// main pages, and the English demo shows no Spanish ones. The lists of
// product words come from the Fluent files (messages whose English and
// Spanish differ) and the default checklist template and reasons (with
// their playbooks), skipping fragments written the same in both languages.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, startBrowser, repo } from '../lib/harness.mjs';

let chrome;

before(async () => {
  chrome = await startBrowser();
});

after(async () => {
  await chrome?.stop();
});

/** Every message of a language's Fluent files: id → value (one-line part). */
function messages(lang) {
  const dir = join(repo, 'crates', 'churnwise-app', 'locales', lang);
  const out = new Map();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ftl'))) {
    for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
      const m = line.match(/^([a-z][a-z0-9-]*)\s*=\s*(.*)$/);
      if (m) out.set(m[1], m[2]);
    }
  }
  return out;
}

/** The literal pieces of a Fluent value between its placeables. */
function fragments(value) {
  return value
    .split(/\{[^}]*\}?/)
    .map((f) => f.replace(/^[\s.,:;·—–()«»“”"'¿?¡!*/-]+|[\s.,:;·—–()«»“”"'¿?¡!*/-]+$/g, ''))
    .filter((f) => f.split(/\s+/).length >= 2 && f.replace(/[^\p{L}]/gu, '').length >= 10);
}

/** Product phrases of `lang` that the other language writes differently. */
function phrases(lang, other, extra) {
  const mine = messages(lang);
  const theirs = messages(other);
  const theirText = [...theirs.values(), ...extra.other].join('\n');
  const out = new Set();
  for (const [id, value] of mine) {
    if (theirs.get(id) === value) continue;
    for (const f of fragments(value)) out.add(f);
  }
  for (const text of extra.mine) {
    if (text.split(/\s+/).length >= 2) out.add(text);
  }
  return [...out].filter((p) => !theirText.includes(p));
}

/** The default template's and reasons' words in both languages, from the API. */
async function defaults(page) {
  return page.evaluate(async () => {
    const en = [];
    const es = [];
    const templates = await (await fetch('/api/v1/checklist-templates')).json();
    for (const t of templates.templates ?? templates) {
      for (const item of t.items) {
        en.push(item.label_en);
        es.push(item.label_es);
      }
    }
    const reasons = await (await fetch('/api/v1/reasons')).json();
    for (const r of reasons.reasons ?? reasons.items ?? reasons) {
      en.push(r.label_en);
      es.push(r.label_es);
      for (const a of r.playbook?.actions ?? []) en.push(a);
      for (const a of r.playbook?.actions_es ?? []) es.push(a);
    }
    return { en, es };
  });
}

/** Signs in to the demo and walks its main pages; returns [path, text] pairs. */
async function walk(url) {
  const page = await chrome.context.newPage();
  page.setDefaultTimeout(20000);
  await chrome.context.clearCookies();
  await page.goto(url + '/login');
  await page.locator('#f-email').fill('demo@churnwise.local');
  await page.locator('#f-password').fill('churnwise-demo');
  await page.locator('form[action="/login"] button[type="submit"]').click();
  await page.waitForURL(/\/dashboard$/);
  const words = await defaults(page);
  const lang = await page.evaluate(() => document.documentElement.lang);
  const cases = await page.evaluate(async () => {
    const r = await (await fetch('/api/v1/cases?per_page=200')).json();
    return r.items ?? r;
  });
  // One case in each stage (offboarding included), and a client of each.
  const byStage = new Map();
  for (const c of cases) if (!byStage.has(c.stage)) byStage.set(c.stage, c);
  assert.ok(byStage.has('offboarding'), 'the demo has a case in offboarding');
  const paths = ['/dashboard', '/clients', '/due', '/cases', '/settings', '/settings/owners'];
  for (const c of byStage.values()) paths.push(`/cases/${c.id}`, `/clients/${c.client_id}`);
  const texts = [];
  for (const path of paths) {
    const reply = await page.goto(url + path);
    assert.equal(reply.status(), 200, path);
    // Text marked as the other language on purpose (Settings shows each
    // reason's label in both) is not counted.
    texts.push([path, await page.evaluate(() => {
      const mine = document.documentElement.lang;
      for (const el of document.querySelectorAll('body [lang]')) {
        if (el.lang !== mine) el.style.display = 'none';
      }
      return document.body.innerText;
    })]);
  }
  await page.close();
  return { texts, words, lang };
}

function foreign(texts, list) {
  const found = [];
  for (const [path, text] of texts) {
    for (const p of list) if (text.includes(p)) found.push(`${path}: “${p}”`);
  }
  return found;
}

test('the Spanish demo, read in Spanish, shows no English product words; the English demo no Spanish ones', async () => {
  const es = await startServer({ demo: true, lang: 'es' });
  let spanish;
  try {
    spanish = await walk(es.url);
  } finally {
    await es.stop();
  }
  const en = await startServer({ demo: true, lang: 'en' });
  let english;
  try {
    english = await walk(en.url);
  } finally {
    await en.stop();
  }
  assert.equal(spanish.lang, 'es', 'the Spanish demo account reads in Spanish');
  assert.equal(english.lang, 'en');
  const { words } = english;
  const englishPhrases = phrases('en', 'es', { mine: words.en, other: words.es });
  const spanishPhrases = phrases('es', 'en', { mine: words.es, other: words.en });
  assert.ok(englishPhrases.length > 200 && spanishPhrases.length > 200, 'the word lists are built');
  assert.ok(englishPhrases.includes('End date agreed and recorded'));
  assert.ok(spanishPhrases.includes('Fecha de fin acordada y registrada'));

  const inSpanish = foreign(spanish.texts, englishPhrases);
  assert.deepEqual(inSpanish, [], 'English on the Spanish demo pages');
  const inEnglish = foreign(english.texts, spanishPhrases);
  assert.deepEqual(inEnglish, [], 'Spanish on the English demo pages');
});
