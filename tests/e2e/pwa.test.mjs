// The hosted page is an installable web app that works offline once visited: its service worker
// keeps the build's files (pwa/sw.js, written into each build by scripts/pwa.mjs), and a new
// build replaces them rather than an old one being served for ever.
//
// These tests serve a copy of dist/ themselves (MEDREACH_DIST, else the repository's dist/, which
// scripts/test.sh builds and serves as MEDREACH_URL), under a sub-path, so that they can take the
// server away — the network truly off, not only emulated — and deploy a changed build to it.

import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import {
  LOAD_TIMEOUT_MS,
  REPO_ROOT,
  TEST_TIMEOUT_MS,
  assertShareText,
  launchBrowser,
  launchProfile,
  shareValue,
  tid,
  waitForDrawn,
} from './helpers.mjs';

const DIST = process.env.MEDREACH_DIST || path.join(REPO_ROOT, 'dist');
const SUB = '/some/sub/path/';
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.css': 'text/css',
  '.webmanifest': 'application/manifest+json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** Serves `dir` at http://127.0.0.1:<port>/some/sub/path/ until `close()`. */
async function serve(dir) {
  const server = createServer((req, res) => {
    const { pathname } = new URL(req.url, 'http://x');
    let file = null;
    if (pathname.startsWith(SUB)) {
      const name = decodeURIComponent(pathname.slice(SUB.length)) || 'index.html';
      const full = path.join(dir, name);
      if (full.startsWith(dir + path.sep) && statSync(full, { throwIfNoEntry: false })?.isFile()) file = full;
    }
    if (pathname === '/blank') {
      // A page of the same origin outside the app's scope, which its service worker leaves alone.
      res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!DOCTYPE html><title>blank</title>');
      return;
    }
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    // Asked again each time (as many hosts do): the browser's HTTP cache never hides a new build.
    res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-cache' });
    res.end(readFileSync(file));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}${SUB}`,
    close: () =>
      new Promise((resolve) => {
        server.close(resolve);
        server.closeAllConnections();
      }),
  };
}

let browser;
let copies;
before(async () => {
  statSync(path.join(DIST, 'sw.js')); // a build with its service worker
  copies = mkdtempSync(path.join(os.tmpdir(), 'medreach-pwa-'));
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  rmSync(copies, { recursive: true, force: true });
});

/** A copy of dist/ to serve (and change). */
function copyOfDist(name) {
  const dir = path.join(copies, name);
  cpSync(DIST, dir, { recursive: true });
  return dir;
}

/** Watches `context`'s pages: what to log, and `check()` fails on another origin or a refusal. */
function watch(t, context, origin) {
  const logs = [];
  const outside = [];
  const refused = [];
  const listen = (page) => {
    page.setDefaultTimeout(LOAD_TIMEOUT_MS);
    page.on('console', (msg) => {
      if (msg.type() === 'error' || msg.type() === 'warning') logs.push(`console.${msg.type()}: ${msg.text()}`);
      if (/Content Security Policy|Content-Security-Policy/i.test(msg.text())) refused.push(msg.text());
    });
    page.on('pageerror', (err) => logs.push(`pageerror: ${err.message}`));
    page.on('request', (req) => {
      const url = req.url();
      if (!/^(data|blob):/.test(url) && new URL(url).origin !== origin) outside.push(url);
    });
  };
  context.pages().forEach(listen);
  context.on('page', listen);
  const check = () => {
    assert.deepEqual(outside, [], 'requests to another origin');
    assert.deepEqual(refused, [], 'refused by the Content-Security-Policy');
  };
  const fail = async (err, page) => {
    const shot = path.join(REPO_ROOT, 'target', 'e2e', `${t.name.replace(/[^A-Za-z0-9_-]+/g, '_')}.png`);
    try {
      mkdirSync(path.dirname(shot), { recursive: true });
      await page?.screenshot({ path: shot, fullPage: true });
      logs.push(`screenshot: ${shot}`);
    } catch {
      // the page may be gone; the original error matters more
    }
    if (logs.length > 0) err.message += `\n--- browser log ---\n${logs.join('\n')}`;
    return err;
  };
  return { check, fail };
}

/** The demo drawn with a share; returns the share. */
async function demoShown(page) {
  await waitForDrawn(page);
  await page.waitForFunction(
    (sel) => Number.isFinite(parseFloat(document.querySelector(sel)?.getAttribute('data-value') ?? '')),
    tid('share-within-limit'),
  );
  await assertShareText(page);
  return shareValue(page);
}

/** Waits until the page is controlled by an activated service worker; returns its cache names. */
async function controlled(page) {
  return page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }));
    }
    return caches.keys();
  });
}

/** The build hash written into a copy's sw.js. */
const buildOf = (dir) => /^const BUILD = "([0-9a-f]+)";$/m.exec(readFileSync(path.join(dir, 'sw.js'), 'utf8'))?.[1];

test('(pw1) the hosted page is installable, and works with the network off once visited', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const dir = copyOfDist('visited');
  const server = await serve(dir);
  const context = await launchProfile(path.join(copies, 'profile'), { viewport: { width: 1280, height: 860 } });
  const { check, fail } = watch(t, context, new URL(server.url).origin);
  const page = context.pages()[0] ?? (await context.newPage());
  try {
    await page.goto(server.url, { waitUntil: 'load' });
    const share = await demoShown(page);
    const caches = await controlled(page);
    const build = buildOf(dir);
    assert.ok(build, 'sw.js names its build');
    assert.deepEqual(caches, [`medreach ${server.url} ${build}`], 'one cache, of this build, for this scope');

    // Installable: a manifest with its icons, a service worker, as Chromium judges it.
    const cdp = await context.newCDPSession(page);
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    assert.deepEqual(installabilityErrors, [], 'Chromium finds the page installable');
    const manifest = await cdp.send('Page.getAppManifest');
    assert.deepEqual(manifest.errors, [], 'the manifest parses');
    assert.equal(JSON.parse(manifest.data).short_name, 'MedReach');

    // The network off: no server at all, and the browser offline.
    await server.close();
    await context.setOffline(true);
    const response = await page.reload({ waitUntil: 'load' });
    assert.ok(response?.fromServiceWorker(), 'the page came from the service worker');
    assert.equal(await demoShown(page), share, 'the demo, offline, gives the same share');
    check();
  } catch (err) {
    throw await fail(err, page);
  } finally {
    await context.close();
    await server.close();
  }
});

test('(pw2) a new build replaces the kept one: shown online at once, offline once the old page is closed', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const dir = copyOfDist('deployed');
  const server = await serve(dir);
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  const { check, fail } = watch(t, context, new URL(server.url).origin);
  let page = await context.newPage();
  try {
    await page.goto(server.url, { waitUntil: 'load' });
    await demoShown(page);
    await controlled(page);
    const old = buildOf(dir);

    // A new build is deployed: another page, and its post-build hook run again.
    const index = path.join(dir, 'index.html');
    writeFileSync(index, readFileSync(index, 'utf8').replace('<title>MedReach', '<title>MedReach (new build)'));
    execFileSync('node', [path.join(REPO_ROOT, 'scripts', 'pwa.mjs'), dir]);
    const fresh = buildOf(dir);
    assert.notEqual(fresh, old, 'a changed build has a new hash');

    // Online, the page is the new build at once.
    await page.reload({ waitUntil: 'load' });
    await demoShown(page);
    assert.match(await page.title(), /new build/);

    // Once no page of the old build is open, the new service worker takes over and the old
    // build's files are gone (seen from a page of the origin outside the app's scope).
    await page.close();
    page = await context.newPage();
    await page.goto(new URL('/blank', server.url).href);
    const kept = `medreach ${server.url} ${fresh}`;
    const state = () =>
      page.evaluate(async (scope) => {
        const registration = await navigator.serviceWorker.getRegistration(scope);
        return {
          active: registration?.active?.scriptURL ?? null,
          waiting: !!registration?.waiting,
          caches: await caches.keys(),
        };
      }, server.url);
    let seen = await state();
    for (const start = Date.now(); Date.now() - start < LOAD_TIMEOUT_MS; await page.waitForTimeout(200)) {
      seen = await state();
      if (!seen.waiting && seen.caches.length === 1 && seen.caches[0] === kept) break;
    }
    assert.deepEqual(seen, { active: `${server.url}sw.js`, waiting: false, caches: [kept] }, 'only the new build is kept');
    await page.goto(server.url, { waitUntil: 'load' });
    await demoShown(page);

    // Offline, it is the new build that opens.
    await server.close();
    await context.setOffline(true);
    await page.reload({ waitUntil: 'load' });
    await demoShown(page);
    assert.match(await page.title(), /new build/);
    check();
  } catch (err) {
    throw await fail(err, page);
  } finally {
    await context.close();
    await server.close();
  }
});
