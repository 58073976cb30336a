// Nothing leaves the page, and nothing in the data runs: the built page carries a strict
// Content-Security-Policy (no other origin for anything; scripts only its own), which the
// browser enforces; and names that are script and markup payloads — settlements, facilities,
// admin units and the file names themselves — are shown as text everywhere, the report view
// included, with nothing executed and nothing requested (withApp fails any test on a request
// to another origin or a policy refusal).

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { REPO_ROOT, TEST_TIMEOUT_MS, appUrl, launchBrowser, loadFiles, tid, waitForCount, waitForDrawn, withApp } from './helpers.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

const PAYLOADS = [
  '<img src="http://example.invalid/x.png" onerror="window.__pwned=1">',
  '<script>window.__pwned=2</script>',
  '"><svg onload="window.__pwned=3">',
  "'); window.__pwned=4; ('",
  '<iframe src="http://example.invalid/"></iframe>',
];

test('(z) the page enforces its Content-Security-Policy: no other origin, no injected script', { timeout: TEST_TIMEOUT_MS }, async () => {
  const page = await browser.newPage();
  const refused = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) refused.push(m.text());
  });
  await page.goto(appUrl(), { waitUntil: 'load' });
  await waitForDrawn(page);
  const policy = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
  assert.match(policy, /default-src 'none'/);
  assert.match(policy, /script-src 'self' 'wasm-unsafe-eval' 'sha256-/);
  assert.doesNotMatch(policy, /unsafe-inline'[^;]*;\s*worker|script-src[^;]*unsafe-inline/, 'no inline scripts');
  const outcome = await page.evaluate(async () => {
    const fetched = await fetch('http://example.invalid/data').then(() => 'fetched', (e) => `blocked: ${e.message}`);
    const s = document.createElement('script');
    s.textContent = 'window.__inline = 1';
    document.head.appendChild(s);
    return { fetched, inline: window.__inline ?? null };
  });
  assert.match(outcome.fetched, /^blocked/);
  assert.equal(outcome.inline, null, 'an injected inline script does not run');
  assert.ok(refused.length >= 2, `the browser reports the refusals: ${refused.join(' | ')}`);
  await page.close();
});

test('(z2) names that are script and markup are shown as text, and nothing runs', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const county = path.join(REPO_ROOT, 'demo', 'county');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'medreach-hostile-'));
  const rename = (layer, key, every) => {
    const fc = JSON.parse(readFileSync(path.join(county, `${layer}.geojson`), 'utf8'));
    fc.features.forEach((f, i) => {
      if (i % every === 0) f.properties[key] = PAYLOADS[i % PAYLOADS.length];
    });
    return JSON.stringify(fc);
  };
  const files = [
    ['roads', readFileSync(path.join(county, 'roads.geojson'), 'utf8')],
    ['facilities', rename('facilities', '名称', 1)],
    ['settlements', rename('settlements', '名称', 1)],
    ['admin', rename('admin', '名称', 1)],
  ].map(([layer, text], i) => {
    // File names are payloads too (a file system allows < > " in them).
    const file = path.join(dir, `${layer}<img src=x onerror=window.__pwned=${10 + i}>.geojson`);
    writeFileSync(file, text);
    return file;
  });
  await withApp(t, browser, async (page) => {
    await loadFiles(page, files);
    await waitForCount(page, 'settlements', 496);
    await page.locator(tid('demo-banner')).waitFor({ state: 'hidden' });
    await page.waitForSelector(`${tid('side')}[data-stale="false"]`);
    // The payloads are on the page as text: in the list of settlements beyond the limit.
    const beyond = await page.locator(tid('beyond-row')).allTextContents();
    assert.ok(beyond.some((r) => PAYLOADS.some((p) => r.includes(p))), 'a payload shown as text');
    await page.click(tid('open-report'));
    const view = page.locator(tid('report-view'));
    await view.waitFor();
    const text = await view.textContent();
    assert.ok(PAYLOADS.some((p) => text.includes(p)), 'the report shows payloads as text');
    assert.ok(text.includes('<img src=x onerror=window.__pwned='), 'the file names as text');
    assert.equal(await view.locator('img, iframe, script, svg[onload]').count(), 0, 'no element made from the data');
    await page.click(tid('close-report'));
    assert.equal(await page.evaluate(() => window.__pwned ?? null), null, 'nothing ran');
  });
});

test('(z3) a file larger than the page can hold is refused before it is read', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  // ?memory_limit_mb=40 makes the page's limit a quarter of it, 10 MB.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'medreach-big-'));
  const big = path.join(dir, 'province_roads.geojson');
  writeFileSync(big, Buffer.alloc(12 * 1024 * 1024, 0x20));
  await withApp(
    t,
    browser,
    async (page) => {
      const settlements = await page.textContent(tid('count-settlements'));
      await loadFiles(page, [big]);
      const error = page.locator(tid('load-error')).first();
      await error.waitFor();
      const text = await error.textContent();
      assert.match(text, /province_roads\.geojson/);
      assert.match(text, /12 MB/);
      assert.match(text, /10 MB/);
      assert.equal(await page.textContent(tid('count-settlements')), settlements, 'the demo stays');
      assert.equal(await page.locator(tid('engine-notice')).count(), 0, 'the engine never saw it');
    },
    { query: '?memory_limit_mb=40' },
  );
});
