// The smoke subset of the end-to-end suite in the other engines (Chromium runs the whole suite):
// in Firefox ESR (WebDriver BiDi, puppeteer-core) and WebKitGTK (WebKitGTK's WebDriver, classic
// W3C WebDriver), each as Debian ships it (see engines.mjs):
//   (a) the Andorra demo is drawn and shows the reference walking share exactly;
//   (b) the Andorra case uploaded shows its reference walk and drive shares exactly;
//   (h) a finding opened moves the map to it and is highlighted;
//   (e) the language toggle switches <html lang> and the visible text, and back;
// and in each of the three engines:
//   (sp) the built dist/, served by a plain static server (python3 -m http.server) under
//        /some/path/, opens there, gives the demo's share and asks for nothing outside it;
//   (w)  the watchers the other checks rely on see a request to another origin and the refusals
//        of a page's Content-Security-Policy, one as the page loads and one later (so that
//        "nothing seen" means nothing happened).
// Chromium runs here through puppeteer-core too (DevTools protocol), for (sp) and (w).
// Every page fails its test on a request to another origin or a refusal by the policy.
//
// MEDREACH_ENGINES (default "firefox,webkit") picks the engines of the smoke subset; (sp) and
// (w) run in Chromium too, always.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { checkPolicy, launchEngine, screenshot, waitFor } from './engines.mjs';
import {
  REPO_ROOT,
  SHARE_TOLERANCE,
  TEST_TIMEOUT_MS,
  appUrl,
  beyondCount,
  canvasColours,
  casePath,
  featureCount,
  reference,
  tid,
} from './helpers.mjs';

const SMOKE_ENGINES = (process.env.MEDREACH_ENGINES || 'firefox,webkit').split(',').map((e) => e.trim()).filter(Boolean);
const SUBPATH_ENGINES = [...new Set(['chromium', ...SMOKE_ENGINES])];
const DIST = process.env.MEDREACH_DIST || path.join(REPO_ROOT, 'dist');
const SHOTS = path.join(REPO_ROOT, 'target', 'e2e');
const SUB = '/some/path/';

/**
 * Opens `url` in a fresh page of `engine`, waits for the map's first drawing, runs `body(page)`,
 * then fails on a request to another origin or a refusal by the policy. On failure the message
 * ends with the page's log and a screenshot is saved under target/e2e/.
 */
async function withPage(t, engine, url, body) {
  const page = await engine.newPage();
  try {
    await page.goto(url);
    await waitDrawn(page);
    await body(page);
    await checkPolicy(page);
  } catch (err) {
    const log = await page.log().catch(() => []);
    try {
      log.push(`screenshot: ${await screenshot(page, SHOTS, t.name)}`);
    } catch {
      // the page may be gone; the original error matters more
    }
    err.message += `\n--- browser log (${engine.version}) ---\n${log.join('\n')}`;
    throw err;
  } finally {
    await page.close();
  }
}

function waitDrawn(page) {
  return waitFor(page, 'the map drawn (data-drawn="true")', (sel) => document.querySelector(sel) !== null, [
    `canvas${tid('map-canvas')}[data-drawn="true"]`,
  ]);
}

/** Waits until the share's data-value is within SHARE_TOLERANCE of `expected`; checks its text. */
async function waitShare(page, expected, what) {
  const got = await waitFor(
    page,
    `${what}: share-within-limit = ${expected} ± ${SHARE_TOLERANCE}`,
    (sel, exp, eps) => {
      const el = document.querySelector(sel);
      const v = parseFloat(el?.getAttribute('data-value') ?? '');
      return Number.isFinite(v) && Math.abs(v - exp) <= eps ? { value: v, text: el.textContent.trim() } : null;
    },
    [tid('share-within-limit'), expected, SHARE_TOLERANCE],
  );
  // The text is the value as a percentage with 2 decimals ("10.43%").
  const m = /^(\d{1,3}\.\d{2})\s?%$/.exec(got.text);
  assert.ok(m, `${page.engine}: share text "${got.text}" is not a percentage with 2 decimals`);
  assert.ok(Math.abs(parseFloat(m[1]) - got.value * 100) <= 0.005 + 1e-9, `${page.engine}: share text "${got.text}" is not ${got.value}`);
}

async function waitCount(page, layer, expected) {
  await waitFor(
    page,
    `count-${layer} = ${expected}`,
    (sel, exp) => document.querySelector(sel)?.textContent.trim() === String(exp),
    [tid(`count-${layer}`), expected],
  );
}

async function waitBeyondRows(page, expected, what) {
  await waitFor(page, `${what}: ${expected} beyond-row rows`, (sel, n) => document.querySelectorAll(sel).length === n, [
    tid('beyond-row'),
    expected,
  ]);
}

/** The demo's checks: drawn (many segments, not blank), the reference share, banner, attribution. */
async function checkDemo(page) {
  // Built here, sent as source like any function the drivers run in the page.
  const measure = new Function(
    'sel',
    `const c = document.querySelector(sel);
     return { segments: Number(c.getAttribute('data-segments')), ...(${canvasColours.toString()})(c) };`,
  );
  const canvas = await page.evaluate(measure, `canvas${tid('map-canvas')}`);
  assert.ok(canvas.segments > 1000, `${page.engine}: data-segments = ${canvas.segments}, expected > 1000`);
  assert.ok(canvas.width > 300 && canvas.height > 300, `${page.engine}: canvas is ${canvas.width}×${canvas.height}`);
  assert.ok(canvas.distinct >= 4, `${page.engine}: canvas has only ${canvas.distinct} distinct colours`);
  assert.ok(canvas.otherShare >= 0.001, `${page.engine}: canvas is ${(100 * (1 - canvas.otherShare)).toFixed(2)}% one colour`);

  const ref = reference('andorra', 'walk');
  await waitShare(page, ref.summary.share_within_threshold, 'demo (Andorra, walk, 15 min)');
  await waitBeyondRows(page, beyondCount(ref, 15), 'demo beyond-list (15 min)');
  const seen = await page.evaluate((banner) => {
    const el = document.querySelector(banner);
    return {
      banner: el !== null && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden',
      osm: document.body.innerText.includes('OpenStreetMap'),
    };
  }, tid('demo-banner'));
  assert.deepEqual(seen, { banner: true, osm: true }, `${page.engine}: the demo banner and the OpenStreetMap attribution`);
}

/** Serves a directory with Python's plain static server under SUB; records the paths asked for. */
async function serveUnderSubPath(dist) {
  const root = mkdtempSync(path.join(os.tmpdir(), 'medreach-subpath-'));
  mkdirSync(path.join(root, ...SUB.split('/').filter(Boolean).slice(0, -1)), { recursive: true });
  symlinkSync(path.resolve(dist), path.join(root, ...SUB.split('/').filter(Boolean)));
  const server = spawn('python3', ['-u', '-m', 'http.server', '0', '--bind', '127.0.0.1', '--directory', root], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  server.stdout.on('data', (d) => (out += d));
  server.stderr.on('data', (d) => (out += d));
  let port = null;
  for (let i = 0; i < 100 && port === null; i++) {
    port = /port (\d+)/.exec(out)?.[1] ?? null;
    if (port === null) await sleep(100);
  }
  assert.ok(port, `python3 -m http.server did not start: ${out}`);
  // A page for the watcher check (w): its own policy refuses images from anywhere else, one of
  // which it asks for as it loads. localhost is another origin than 127.0.0.1.
  writeFileSync(
    path.join(root, 'probe.html'),
    `<!DOCTYPE html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'self'; img-src 'self'; connect-src *">
<title>probe</title></head><body><img src="http://localhost:${port}/early.png" alt=""></body></html>`,
  );
  return {
    origin: `http://127.0.0.1:${port}`,
    other: `http://localhost:${port}`,
    /** The paths asked for so far, in order, from the server's log. */
    requests: () => [...out.matchAll(/"(?:GET|HEAD|POST) (\S+) HTTP/g)].map((m) => m[1]),
    close: async () => {
      const gone = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGTERM');
      await gone;
      rmSync(root, { recursive: true, force: true });
    },
  };
}

let server;
before(async () => {
  server = await serveUnderSubPath(DIST);
});
after(async () => {
  await server?.close();
});

for (const name of SUBPATH_ENGINES) {
  describe(name, () => {
    let engine;
    before(async () => {
      engine = await launchEngine(name);
    });
    after(async () => {
      await engine?.close();
    });

    if (SMOKE_ENGINES.includes(name)) {
      test(`${name}: (a) the Andorra demo is drawn with its reference share`, { timeout: TEST_TIMEOUT_MS }, async (t) => {
        await withPage(t, engine, `${appUrl()}?demo=andorra`, async (page) => {
          await checkDemo(page);
          // One look per engine: target/e2e/engine-<name>-demo.png.
          await screenshot(page, SHOTS, `engine-${name}-demo`);
        });
      });

      test(`${name}: (b) the Andorra case uploaded gives the reference walk and drive shares`, { timeout: TEST_TIMEOUT_MS }, async (t) => {
        const walk = reference('andorra', 'walk');
        const drive = reference('andorra', 'drive');
        const layers = ['roads', 'facilities', 'settlements'];
        await withPage(t, engine, appUrl(), async (page) => {
          await page.upload(
            tid('file-input'),
            layers.map((layer) => casePath('andorra', `${layer}.geojson`)),
          );
          for (const layer of layers) await waitCount(page, layer, featureCount(casePath('andorra', `${layer}.geojson`)));
          // The first user load replaces the demo, its admin layer too.
          await waitCount(page, 'admin', 0);
          await waitShare(page, walk.summary.share_within_threshold, 'Andorra walk');
          await waitBeyondRows(page, beyondCount(walk, 15), 'Andorra walk beyond-list');
          await page.click(tid('mode-drive'));
          await waitShare(page, drive.summary.share_within_threshold, 'Andorra drive');
          await waitBeyondRows(page, beyondCount(drive, 15), 'Andorra drive beyond-list');
        });
      });

      test(`${name}: (h) opening a finding moves the map to it`, { timeout: TEST_TIMEOUT_MS }, async (t) => {
        await withPage(t, engine, appUrl(), async (page) => {
          // The default demo is the generated county: every rule checked, most find something.
          const first = await waitFor(
            page,
            'the findings of the county demo',
            (f, banner, notChecked) => {
              const items = document.querySelectorAll(f);
              if (items.length < 2 || !document.querySelector(banner)) return null;
              return {
                banner: document.querySelector(banner).textContent,
                notChecked: document.querySelector(notChecked)?.textContent.trim(),
                rules: new Set([...items].map((e) => e.dataset.rule)).size,
              };
            },
            [tid('finding'), tid('demo-banner'), tid('count-not-checked')],
          );
          assert.match(first.banner, /青岚县/);
          assert.equal(first.notChecked, '0', 'every rule is checked on the county demo');
          assert.ok(first.rules >= 12, `findings of ${first.rules} rules`);

          const canvas = `canvas${tid('map-canvas')}`;
          const before = await page.evaluate((sel) => document.querySelector(sel).getAttribute('data-view'), canvas);
          // The second finding (the last of the first group) is about a place with a point:
          // marked for the click, as CSS cannot name the second of all.
          await page.evaluate((f) => {
            document.querySelectorAll(f)[1].setAttribute('data-e2e-target', '');
          }, tid('finding'));
          await page.click('[data-e2e-target]');
          const moved = await waitFor(
            page,
            `the map moved from ${before} to a focused finding`,
            (sel, prev, f) => {
              const c = document.querySelector(sel);
              const focus = c.getAttribute('data-focus');
              const view = c.getAttribute('data-view');
              if (focus === null || view === prev) return null;
              const items = [...document.querySelectorAll(f)];
              return { focus, view, focused: items.map((e, i) => (e.classList.contains('focused') ? i : -1)).filter((i) => i >= 0) };
            },
            [canvas, before, tid('finding')],
          );
          assert.match(moved.focus, /^\d+$/, `${name}: data-focus names a finding`);
          assert.match(moved.view, /^\d+\.\d{3},-?\d+\.\d,-?\d+\.\d$/, `${name}: data-view is scale,tx,ty`);
          assert.deepEqual(moved.focused, [1], `${name}: the opened finding (and only it) is highlighted`);
        });
      });

      test(`${name}: (e) the language toggle switches <html lang> and the visible text`, { timeout: TEST_TIMEOUT_MS }, async (t) => {
        await withPage(t, engine, appUrl(), async (page) => {
          const state = () =>
            page.evaluate(() => ({
              lang: document.documentElement.lang,
              cjk: (document.body.innerText.match(/[\u4e00-\u9fff]/g) ?? []).length,
              toggle: document.querySelector('[data-testid="lang-toggle"]')?.textContent.trim(),
            }));
          const switched = (want, fromCount) =>
            waitFor(
              page,
              `<html lang="${want}"> and the text changed`,
              (w, n) => {
                const cjk = (document.body.innerText.match(/[\u4e00-\u9fff]/g) ?? []).length;
                return document.documentElement.lang === w && Math.abs(cjk - n) >= 10;
              },
              [want, fromCount],
              30_000,
            );
          const first = await state();
          assert.ok(['en', 'zh-CN'].includes(first.lang), `<html lang> is "${first.lang}"`);
          const other = first.lang === 'en' ? 'zh-CN' : 'en';
          await page.click(tid('lang-toggle'));
          await switched(other, first.cjk);
          const second = await state();
          const count = { [first.lang]: first.cjk, [other]: second.cjk };
          assert.ok(count['zh-CN'] >= count.en + 10, `${name}: Chinese UI ${count['zh-CN']} CJK characters, English ${count.en}`);
          assert.notEqual(second.toggle, first.toggle, 'the toggle names the other language');
          assert.equal(await page.evaluate(() => document.title.length > 0), true);
          await page.click(tid('lang-toggle'));
          await switched(first.lang, second.cjk);
        });
      });
    }

    test(`${name}: (sp) dist/ served under ${SUB} by a plain static server works there`, { timeout: TEST_TIMEOUT_MS }, async (t) => {
      const from = server.requests().length;
      await withPage(t, engine, `${server.origin}${SUB}?demo=andorra`, async (page) => {
        const ref = reference('andorra', 'walk');
        await waitShare(page, ref.summary.share_within_threshold, `demo under ${SUB}`);
        const where = await page.evaluate(() => location.pathname);
        assert.equal(where, SUB);
      });
      const asked = server.requests().slice(from);
      assert.ok(asked.some((p) => /\.wasm$/.test(p)), `${name}: the wasm was asked for under ${SUB}: ${asked.join(' ')}`);
      const elsewhere = asked.filter((p) => !p.startsWith(SUB));
      assert.deepEqual(elsewhere, [], `${name}: requests outside ${SUB}`);
    });

    test(`${name}: (w) the watchers see a request to another origin and policy refusals`, { timeout: TEST_TIMEOUT_MS }, async () => {
      const other = server.other;
      const page = await engine.newPage();
      try {
        await page.goto(`${server.origin}/probe.html`);
        await page.evaluate((o) => {
          fetch(`${o}/outside.txt`).catch(() => {});
          const img = new Image();
          img.src = `${o}/refused.png`;
          document.body.append(img);
          return true;
        }, other);
        const deadline = Date.now() + 30_000;
        while (!page.outside.some((u) => u.includes('/outside.txt')) && Date.now() < deadline) await sleep(100);
        assert.ok(page.outside.some((u) => u.includes('/outside.txt')), `${name}: not seen: ${other}/outside.txt (seen: ${page.outside.join(' ')})`);
        // Refused as the page loaded (the watcher ran first), and afterwards.
        const refused = await waitFor(page, 'the refusals seen', () => (window.__refused?.length >= 2 ? window.__refused : null), [], 30_000);
        for (const file of ['early.png', 'refused.png']) {
          assert.ok(refused.some((r) => /img-src/.test(r) && r.includes(file)), `${name}: ${file} not among the refusals: ${refused.join(' | ')}`);
        }
      } catch (err) {
        err.message += `\n--- browser log (${engine.version}) ---\n${(await page.log().catch(() => [])).join('\n')}`;
        throw err;
      } finally {
        await page.close();
      }
    });
  });
}
