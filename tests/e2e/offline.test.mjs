// The one-file build (scripts/offline.sh): opened from a file (file://) with every request but
// the file itself refused, it shows the demo county with its share, reads a file, and starts a
// fresh engine after a cancel; nothing is requested but the file, blob: and data: URLs, and its
// Content-Security-Policy refuses nothing.
//
// The file is MEDREACH_OFFLINE_HTML (scripts/test.sh makes it from the dist/ it built); without
// it, this test makes one with scripts/offline.sh (which reuses dist/ when it is up to date).

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import {
  LOAD_TIMEOUT_MS,
  REPO_ROOT,
  TEST_TIMEOUT_MS,
  assertShareText,
  launchBrowser,
  loadFiles,
  osmPath,
  setLimit,
  shareValue,
  tid,
  waitForDrawn,
  waitForShareChange,
  withFailureEvidence,
} from './helpers.mjs';

let browser;
let file;
let made = null;
before(async () => {
  file = process.env.MEDREACH_OFFLINE_HTML;
  if (!file) {
    made = mkdtempSync(path.join(os.tmpdir(), 'medreach-offline-'));
    file = path.join(made, 'MedReach.html');
    execFileSync('bash', [path.join(REPO_ROOT, 'scripts', 'offline.sh'), file], { stdio: 'inherit' });
  }
  assert.ok(existsSync(file), `no offline file at ${file}`);
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  if (made) rmSync(made, { recursive: true, force: true });
});

test('(of) the one-file build works from file:// with the network off and requests nothing', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const html = readFileSync(file, 'utf8');
  const policy = /<meta http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1];
  assert.ok(policy, 'the file carries a Content-Security-Policy');
  assert.match(policy, /default-src 'none'/);
  assert.match(policy, /script-src 'wasm-unsafe-eval' 'sha256-[A-Za-z0-9+/=]+';/, 'scripts: the one inline script, by hash');
  assert.match(policy, /worker-src blob:;/);
  assert.doesNotMatch(policy, /https?:|\*|'self'|'unsafe-eval'|script-src[^;]*'unsafe-inline'/, 'no origin, no eval, no inline script');
  assert.doesNotMatch(html, /sw\.js|rel="manifest"|rel="(?:module)?preload"/, 'no service worker, manifest or preloads');

  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  const requests = [];
  const outside = [];
  // The network is off: only the file itself (and what the page makes, blob: and data:) loads.
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (/^(file|blob|data):/.test(url)) return route.continue();
    outside.push(url);
    return route.abort('internetdisconnected');
  });
  context.on('request', (req) => requests.push(req.url()));
  const page = await context.newPage();
  page.setDefaultTimeout(LOAD_TIMEOUT_MS);
  const logs = [];
  const refused = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning') logs.push(`console.${msg.type()}: ${msg.text()}`);
    if (/Content Security Policy|Content-Security-Policy/i.test(msg.text())) refused.push(msg.text());
  });
  page.on('pageerror', (err) => logs.push(`pageerror: ${err.message}`));
  page.on('worker', (worker) => worker.on('console', (msg) => logs.push(`worker console.${msg.type()}: ${msg.text()}`)));
  await page.addInitScript(() => {
    window.__refused = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__refused.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  try {
    const url = pathToFileURL(file).href;
    await page.goto(url, { waitUntil: 'load' });
    await waitForDrawn(page);
    // The demo county, computed by the engine in its worker.
    await page.waitForFunction(
      (sel) => Number.isFinite(parseFloat(document.querySelector(sel)?.getAttribute('data-value') ?? '')),
      tid('share-within-limit'),
    );
    await assertShareText(page);
    const share = await shareValue(page);
    assert.ok(share > 0 && share < 1, `the demo's share ${share}`);
    assert.ok(Number(await page.textContent(tid('count-settlements'))) > 0, 'the demo has settlements');

    // A file is read, and a cancel ends the worker: the fresh one starts from the same inlined
    // script and wasm, and answers.
    await loadFiles(page, [osmPath('porto')]);
    await page.waitForSelector(tid('busy'));
    await page.click(tid('cancel'));
    await page.waitForSelector(tid('busy'), { state: 'detached', timeout: 10_000 });
    assert.equal(await shareValue(page), share, 'the demo results are still shown');
    await setLimit(page, 5);
    const next = await waitForShareChange(page, share, 'limit 5 after cancel, in a fresh engine');
    assert.ok(next < share, `limit 5 gives ${next}, less than ${share}`);

    assert.deepEqual(outside, [], 'requests to the network');
    const other = requests.filter((u) => !/^(blob|data):/.test(u) && u !== url);
    assert.deepEqual(other, [], 'requests other than the file itself, blob: and data:');
    assert.deepEqual(refused, [], 'refused by the Content-Security-Policy (console)');
    assert.deepEqual(await page.evaluate(() => window.__refused), [], 'refused by the Content-Security-Policy (events)');
  } catch (err) {
    throw await withFailureEvidence(t, page, logs, err);
  } finally {
    await context.close();
  }
});
