// Starts the real churnwise binary on a temporary SQLite database and a
// free port, and headless Chromium (Debian's /usr/bin/chromium) with a
// fresh profile. Used by the tests and by screenshots.mjs.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import net from 'node:net';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const repo = resolve(here, '..', '..', '..');

/** The churnwise binary: $CHURNWISE_BIN, else target/debug/churnwise. */
export function binary() {
  const bin = process.env.CHURNWISE_BIN || join(repo, 'target', 'debug', 'churnwise');
  if (!existsSync(bin)) {
    throw new Error(`${bin} is missing: run "cargo build -p churnwise" first (scripts/browser-tests.sh does)`);
  }
  return bin;
}

function freePort() {
  return new Promise((ok, fail) => {
    const srv = net.createServer();
    srv.on('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

async function waitForHealth(url, child, ms = 30000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`churnwise exited with ${child.exitCode}`);
    try {
      const r = await fetch(`${url}/healthz`);
      if (r.ok) return;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`churnwise did not answer on ${url} within ${ms} ms`);
}

/**
 * Starts `churnwise serve` (with `--demo` when asked, in `lang` when given) on a
 * fresh SQLite database, or on `database` when given, with `args` added to
 * `serve`; returns { url, stop, log }.
 */
export async function startServer({ demo = false, database = null, lang = null, args: extra = [] } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'churnwise-browser-'));
  const port = await freePort();
  const args = ['--database', database || `sqlite://${join(dir, 'test.db')}`, 'serve', '--bind', '127.0.0.1', '--port', String(port)];
  if (demo) args.push('--demo');
  if (demo && lang) args.push('--lang', lang);
  args.push(...extra);
  // Run in the empty temporary folder, so no churnwise.toml of the caller applies.
  const env = { ...process.env, CHURNWISE_LOG: 'warn' };
  for (const name of ['CHURNWISE_CONFIG', 'DATABASE_URL', 'CHURNWISE_BIND', 'CHURNWISE_PORT']) delete env[name];
  const child = spawn(binary(), args, {
    cwd: dir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout.on('data', (d) => { log += d; });
  child.stderr.on('data', (d) => { log += d; });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHealth(url, child);
  } catch (e) {
    child.kill('SIGKILL');
    throw new Error(`${e.message}\n${log}`);
  }
  return {
    url,
    log: () => log,
    async stop() {
      child.kill('SIGINT');
      await new Promise((r) => {
        const t = setTimeout(() => { child.kill('SIGKILL'); r(); }, 5000);
        child.on('exit', () => { clearTimeout(t); r(); });
      });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Launches headless Chromium on a fresh profile (Playwright takes the
 * profile folder as the persistent context's user data dir, which it passes
 * as --user-data-dir); returns { context, stop }.
 */
export async function startBrowser({ viewport = { width: 1280, height: 900 }, locale = 'en-GB', javaScriptEnabled = true } = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'churnwise-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    viewport,
    locale,
    javaScriptEnabled,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
  return {
    context,
    async stop() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
