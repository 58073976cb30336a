// Shared helpers for the MedReach end-to-end tests (node:test + playwright-core).
// Not a test file itself: node --test only picks up *.test.mjs here.

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** The repository root (tests/e2e is two levels below it). */
export const REPO_ROOT = path.resolve(HERE, '..', '..');

/** The test data, in the repository (see tests/data/README.md). */
export const DATA = path.join(REPO_ROOT, 'tests', 'data');

/** Where the reference cases live: tests/data/cases/<case>/. */
export const CASES = path.join(DATA, 'cases');

/** An OpenStreetMap extract: tests/data/osm/<name>.osm.pbf (stored as it is). */
export function osmPath(name) {
  return path.join(DATA, 'osm', `${name}.osm.pbf`);
}

/**
 * Generous limits: the analysis runs in wasm on a slow, shared 2-core machine.
 * MEDREACH_E2E_TIMEOUT_MS overrides the wait for any one condition (default 120 s).
 */
export const LOAD_TIMEOUT_MS = Number(process.env.MEDREACH_E2E_TIMEOUT_MS) || 120_000;
export const TEST_TIMEOUT_MS = Math.max(300_000, 4 * LOAD_TIMEOUT_MS);

/** Exactness of the reach share against the reference (both are float64 ratios). */
export const SHARE_TOLERANCE = 1e-9;

/** Debian's Chromium, and the flags every driver starts it with. */
export const CHROMIUM = process.env.MEDREACH_CHROMIUM || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The app's URL, given by scripts/test.sh (or by hand: see README.md). */
export function appUrl() {
  const url = process.env.MEDREACH_URL;
  assert.ok(url, 'MEDREACH_URL is not set: serve dist/ and set it (see tests/e2e/README.md)');
  return url;
}

/**
 * The bytes of a case file: tests/data/cases/<case>/<file> as it is, or <file>.gz decompressed
 * (the files over 1 MB are stored gzip-compressed; see tests/data/README.md).
 */
export function caseBytes(caseName, file) {
  const plain = path.join(CASES, caseName, file);
  if (existsSync(plain)) return readFileSync(plain);
  const gz = `${plain}.gz`;
  assert.ok(existsSync(gz), `the case file ${plain} is missing (and so is ${gz})`);
  return gunzipSync(readFileSync(gz));
}

// Decompressed copies of the .gz case files, in one temporary folder per test process, removed
// when the process exits.
let unpacked = null;

/**
 * A path to a case file under its own name, for what needs a path (uploading it to the page:
 * the page sees the file name): the file itself when it is stored as it is, else its
 * decompressed copy in a temporary folder.
 */
export function casePath(caseName, file) {
  const plain = path.join(CASES, caseName, file);
  if (existsSync(plain)) return plain;
  if (unpacked === null) {
    unpacked = mkdtempSync(path.join(os.tmpdir(), 'medreach-e2e-'));
    const dir = unpacked;
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  const copy = path.join(unpacked, caseName, file);
  if (!existsSync(copy)) {
    mkdirSync(path.dirname(copy), { recursive: true });
    writeFileSync(copy, caseBytes(caseName, file));
  }
  return copy;
}

export function readJson(file) {
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** The reference result for one case and travel mode ("walk" or "drive"). */
export function reference(caseName, mode) {
  return JSON.parse(caseBytes(caseName, `reference_${mode}.json`).toString('utf8'));
}

/** Number of features in a GeoJSON FeatureCollection file. */
export function featureCount(file) {
  return readJson(file).features.length;
}

/**
 * The share of population within `limitMin` minutes, recomputed from a reference's
 * per-settlement times ("within" means time <= limit; the denominator is all settlements'
 * population, unreachable ones included).
 */
export function shareWithin(ref, limitMin) {
  let total = 0;
  let within = 0;
  for (const s of ref.settlements) {
    total += s.population;
    if (s.time_min !== null && s.time_min !== undefined && s.time_min <= limitMin) {
      within += s.population;
    }
  }
  return within / total;
}

/** Settlements of a reference beyond `limitMin` (or unreachable). */
export function beyondCount(ref, limitMin) {
  return ref.settlements.filter(
    (s) => s.time_min === null || s.time_min === undefined || s.time_min > limitMin,
  ).length;
}

/**
 * The layers in which the page's demo copy of a case (demo/<case>/) differs from the case in
 * tests/data/cases/<case>/ (compared byte for byte, after decompression); empty when it is a copy.
 */
export function demoDiffersFromCase(caseName, layers = ['roads', 'facilities', 'settlements', 'admin']) {
  return layers.filter((layer) => {
    const demo = path.join(REPO_ROOT, 'demo', caseName, `${layer}.geojson`);
    return !existsSync(demo) || !readFileSync(demo).equals(caseBytes(caseName, `${layer}.geojson`));
  });
}

export async function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/**
 * A browser context with its profile on disk in `dir`, as a user's is: Chromium installs web
 * apps only there (a fresh context of `launchBrowser` is incognito).
 */
export async function launchProfile(dir, options = {}) {
  return chromium.launchPersistentContext(dir, { executablePath: CHROMIUM, args: CHROMIUM_ARGS, ...options });
}

/** CSS selector for a data-testid. */
export const tid = (id) => `[data-testid="${id}"]`;

/**
 * Runs `body(page)` in a fresh browser context with the app opened and its first drawing done.
 * `query` is appended to the URL (e.g. `?demo=andorra` for the OpenStreetMap demo; the default
 * demo is the generated county); `initScript` runs in the page before its own scripts.
 * On failure, appends the page's console errors to the error and saves a screenshot under
 * target/e2e/.
 */
export async function withApp(t, browser, body, { query = '', initScript = null } = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  if (initScript) await context.addInitScript(initScript);
  const page = await context.newPage();
  page.setDefaultTimeout(LOAD_TIMEOUT_MS);
  const logs = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning') logs.push(`console.${msg.type()}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => logs.push(`pageerror: ${err.message}`));
  page.on('requestfailed', (req) => logs.push(`requestfailed: ${req.url()} ${req.failure()?.errorText ?? ''}`));
  // Nothing leaves the page: a request to any other origin, or anything the page's
  // Content-Security-Policy refused, fails the test.
  const origin = new URL(appUrl()).origin;
  const outside = [];
  page.on('request', (req) => {
    const url = req.url();
    if (!/^(data|blob):/.test(url) && new URL(url).origin !== origin) outside.push(url);
  });
  const refused = [];
  page.on('console', (msg) => {
    if (/Content Security Policy|Content-Security-Policy/i.test(msg.text())) refused.push(msg.text());
  });
  try {
    await page.goto(appUrl() + query, { waitUntil: 'load' });
    await waitForDrawn(page);
    await body(page);
    assert.deepEqual(outside, [], 'requests to another origin');
    assert.deepEqual(refused, [], 'refused by the Content-Security-Policy');
  } catch (err) {
    throw await withFailureEvidence(t, page, logs, err);
  } finally {
    await context.close();
  }
}

/**
 * A canvas's size and how many colours it shows (runs in the page: every driver sends a
 * function's source). Copies the canvas (2d or webgl) into a fresh 2d canvas and counts its
 * colours: `distinct` colours, and the share of pixels not of the most common one.
 */
export function canvasColours(c) {
  const copy = document.createElement('canvas');
  copy.width = c.width;
  copy.height = c.height;
  const ctx = copy.getContext('2d');
  ctx.drawImage(c, 0, 0);
  const data = ctx.getImageData(0, 0, c.width, c.height).data;
  const freq = new Map();
  for (let i = 0; i < data.length; i += 4) {
    const key = (data[i] << 24) | (data[i + 1] << 16) | (data[i + 2] << 8) | data[i + 3];
    freq.set(key, (freq.get(key) ?? 0) + 1);
  }
  const n = data.length / 4;
  let top = 0;
  for (const count of freq.values()) top = Math.max(top, count);
  return { width: c.width, height: c.height, distinct: freq.size, otherShare: (n - top) / n };
}

/**
 * `err` of test `t` with what the page showed: a screenshot saved under target/e2e/ (named after
 * the test) and the browser's `logs` appended to its message.
 */
export async function withFailureEvidence(t, page, logs, err) {
  const shot = path.join(REPO_ROOT, 'target', 'e2e', `${t.name.replace(/[^A-Za-z0-9_-]+/g, '_')}.png`);
  try {
    mkdirSync(path.dirname(shot), { recursive: true });
    await page.screenshot({ path: shot, fullPage: true });
    logs.push(`screenshot: ${shot}`);
  } catch {
    // the page may be gone; the original error matters more
  }
  if (logs.length > 0) err.message += `\n--- browser log ---\n${logs.join('\n')}`;
  return err;
}

/** Waits until the map canvas reports a finished drawing. */
export async function waitForDrawn(page) {
  await page.waitForSelector(`canvas${tid('map-canvas')}[data-drawn="true"]`, { state: 'attached' });
}

/** The share element's data-value as a number (NaN when absent). */
export async function shareValue(page) {
  return page.$eval(tid('share-within-limit'), (el) => parseFloat(el.getAttribute('data-value') ?? ''));
}

/** Waits until the share's data-value is within `tol` of `expected`; fails with the last value. */
export async function waitForShare(page, expected, what, tol = SHARE_TOLERANCE) {
  try {
    await page.waitForFunction(
      ([sel, exp, eps]) => {
        const el = document.querySelector(sel);
        if (!el) return false;
        const v = parseFloat(el.getAttribute('data-value') ?? '');
        return Number.isFinite(v) && Math.abs(v - exp) <= eps;
      },
      [tid('share-within-limit'), expected, tol],
      { polling: 100, timeout: LOAD_TIMEOUT_MS },
    );
  } catch (err) {
    const actual = await shareValue(page).catch(() => 'no share element');
    assert.fail(`${what}: share-within-limit data-value expected ${expected} ± ${tol}, got ${actual}\n(${err.message.split('\n')[0]})`);
  }
  await assertShareText(page);
}

/** Waits until the share's data-value differs from `previous`; returns the new value. */
export async function waitForShareChange(page, previous, what) {
  try {
    await page.waitForFunction(
      ([sel, prev]) => {
        const el = document.querySelector(sel);
        if (!el) return false;
        const v = parseFloat(el.getAttribute('data-value') ?? '');
        return Number.isFinite(v) && v !== prev;
      },
      [tid('share-within-limit'), previous],
      { polling: 100, timeout: LOAD_TIMEOUT_MS },
    );
  } catch (err) {
    assert.fail(`${what}: share-within-limit stayed at ${previous}\n(${err.message.split('\n')[0]})`);
  }
  return shareValue(page);
}

/** The share's text is its data-value as a percentage with 2 decimals, e.g. "10.43%". */
export async function assertShareText(page) {
  const { text, value } = await page.$eval(tid('share-within-limit'), (el) => ({
    text: el.textContent.trim(),
    value: parseFloat(el.getAttribute('data-value') ?? ''),
  }));
  assert.ok(Number.isFinite(value) && value >= 0 && value <= 1, `data-value ${value} is not a fraction 0–1`);
  const m = /^(\d{1,3}\.\d{2})\s?%$/.exec(text);
  assert.ok(m, `share-within-limit text "${text}" is not a percentage with 2 decimals`);
  assert.ok(
    Math.abs(parseFloat(m[1]) - value * 100) <= 0.005 + 1e-9,
    `share-within-limit text "${text}" does not match data-value ${value}`,
  );
}

/** Recognised features per layer, from the count-* elements. */
export async function counts(page) {
  const read = async (layer) => {
    const text = (await page.textContent(tid(`count-${layer}`))).trim();
    assert.match(text, /^\d+$/, `count-${layer} text "${text}" is not an integer`);
    return Number(text);
  };
  return {
    roads: await read('roads'),
    facilities: await read('facilities'),
    settlements: await read('settlements'),
    admin: await read('admin'),
  };
}

/** Waits until count-<layer> shows `expected`; fails with the last text. */
export async function waitForCount(page, layer, expected) {
  const sel = tid(`count-${layer}`);
  try {
    await page.waitForFunction(
      ([s, exp]) => document.querySelector(s)?.textContent.trim() === String(exp),
      [sel, expected],
      { polling: 100, timeout: LOAD_TIMEOUT_MS },
    );
  } catch (err) {
    const actual = await page.textContent(sel).catch(() => 'no element');
    assert.fail(`count-${layer}: expected ${expected}, got "${actual?.trim()}"\n(${err.message.split('\n')[0]})`);
  }
}

/** Loads files through the app's file input (one load, however many files). */
export async function loadFiles(page, files) {
  await page.setInputFiles(tid('file-input'), files);
}

/** The layers of a reference case in tests/data/cases. */
export const CASE_LAYERS = ['roads', 'facilities', 'settlements'];

/**
 * Loads a reference case's roads, facilities and settlements in one go over the demo, and
 * waits for their counts, the demo gone (its admin layer too) and the map drawn.
 */
export async function loadCase(page, caseName) {
  await loadFiles(page, CASE_LAYERS.map((layer) => casePath(caseName, `${layer}.geojson`)));
  for (const layer of CASE_LAYERS) {
    await waitForCount(page, layer, featureCount(casePath(caseName, `${layer}.geojson`)));
  }
  await waitForCount(page, 'admin', 0);
  await page.locator(tid('demo-banner')).waitFor({ state: 'hidden' });
  await waitForDrawn(page);
}

/** Sets the limit input and fires the events an app may listen to. */
export async function setLimit(page, minutes) {
  const input = page.locator(tid('limit-input'));
  await input.fill(String(minutes));
  await input.dispatchEvent('change');
}

/** Waits until the beyond-list has `expected` rows; fails with the last count. */
export async function waitForBeyondRows(page, expected, what) {
  const sel = tid('beyond-row');
  try {
    await page.waitForFunction(
      ([s, exp]) => document.querySelectorAll(s).length === exp,
      [sel, expected],
      { polling: 100, timeout: LOAD_TIMEOUT_MS },
    );
  } catch (err) {
    const actual = await page.locator(sel).count();
    assert.fail(`${what}: expected ${expected} beyond-row rows, got ${actual}\n(${err.message.split('\n')[0]})`);
  }
}
