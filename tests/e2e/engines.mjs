// Drives the stock browsers of Debian for the cross-engine smoke tests (engines.test.mjs): one
// small page interface over two kinds of driver. Not a test file itself.
//
//   - Firefox ESR (/usr/bin/firefox-esr) and Chromium (/usr/bin/chromium) through puppeteer-core:
//     Firefox over WebDriver BiDi, Chromium over the DevTools protocol. puppeteer-core downloads
//     no browser; it starts the one at `executablePath`.
//   - WebKit: WebKitGTK's MiniBrowser through Debian's WebKitWebDriver (webkit2gtk-driver),
//     classic W3C WebDriver over HTTP, spoken by the small client below (fetch, no package).
//     The GTK MiniBrowser has no headless mode: it draws into an Xvfb display started here.
//     Classic WebDriver shows no network traffic and runs no script before the page's own, so
//     the browser is given a proxy (below, in this process) that every request of the page, its
//     worker and its service worker goes through: that is how requests to another origin are
//     seen there, and the proxy puts the watcher (`watchPage`) first in each HTML page.
//
// Every page records what left for another origin (`outside`) and what the
// Content-Security-Policy refused (`refused`, from `securitypolicyviolation` events); `check()`
// fails on either. What each engine can and cannot observe is in tests/e2e/README.md.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import puppeteer from 'puppeteer-core';

import { CHROMIUM, CHROMIUM_ARGS, LOAD_TIMEOUT_MS } from './helpers.mjs';

export const FIREFOX = process.env.MEDREACH_FIREFOX || '/usr/bin/firefox-esr';
export const WEBKIT_DRIVER = process.env.MEDREACH_WEBKIT_DRIVER || '/usr/bin/WebKitWebDriver';
export { CHROMIUM };

const VIEWPORT = { width: 1280, height: 860 };

/**
 * Runs in the page before any script of its own (puppeteer: a preload script; WebKit: put first
 * in the page by the proxy): the policy's refusals (`securitypolicyviolation`), and the page's
 * uncaught errors for the failure log.
 */
function watchPage() {
  if (window.__refused) return;
  window.__refused = [];
  window.__errors = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__refused.push(`${e.violatedDirective} refused ${e.blockedURI || '(inline)'}`);
  });
  addEventListener('error', (e) => window.__errors.push(`pageerror: ${e.message}`));
  addEventListener('unhandledrejection', (e) => window.__errors.push(`unhandled rejection: ${e.reason}`));
}

/** True for a URL that is neither of `origin` nor a data:/blob: URL. */
function isOutside(url, origin) {
  if (/^(data|blob|about):/.test(url)) return false;
  try {
    return new URL(url).origin !== origin;
  } catch {
    return true;
  }
}

/** A free TCP port on the loopback interface. */
async function freePort() {
  const srv = createNetServer();
  await new Promise((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address();
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

// --- puppeteer-core: Firefox (WebDriver BiDi) and Chromium (CDP) -------------------------------

class PuppeteerPage {
  constructor(context, page, engine) {
    this.context = context;
    this.page = page;
    this.engine = engine;
    this.origin = null;
    this.outside = [];
    this.logs = [];
    page.on('request', (req) => {
      if (this.origin && isOutside(req.url(), this.origin)) this.outside.push(req.url());
    });
    page.on('console', (msg) => {
      if (msg.type() === 'error' || msg.type() === 'warn') this.logs.push(`console.${msg.type()}: ${msg.text()}`);
    });
    page.on('pageerror', (err) => this.logs.push(`pageerror: ${err.message ?? err}`));
  }

  async goto(url) {
    this.origin = new URL(url).origin;
    await this.page.goto(url, { waitUntil: 'load', timeout: LOAD_TIMEOUT_MS });
  }

  evaluate(fn, ...args) {
    return this.page.evaluate(fn, ...args);
  }

  async click(selector) {
    await this.page.click(selector);
  }

  async upload(selector, files) {
    const input = await this.page.$(selector);
    assert.ok(input, `no ${selector} to upload to`);
    await input.uploadFile(...files);
  }

  async screenshot(file) {
    await this.page.screenshot({ path: file });
  }

  async refused() {
    return this.page.evaluate(() => window.__refused ?? ['(the policy watcher is missing)']);
  }

  /** What the page logged: console errors and warnings, uncaught errors. */
  async log() {
    return this.logs;
  }

  async close() {
    await this.context.close().catch(() => {});
  }
}

async function launchPuppeteer(engine) {
  const browser =
    engine === 'firefox'
      ? await puppeteer.launch({
          browser: 'firefox',
          executablePath: FIREFOX,
          headless: true,
          // A fresh profile as puppeteer makes it; Mozilla's services are not reachable here.
          extraPrefsFirefox: {
            'app.update.enabled': false,
            'browser.safebrowsing.malware.enabled': false,
            'browser.safebrowsing.phishing.enabled': false,
            'network.captive-portal-service.enabled': false,
            'network.connectivity-service.enabled': false,
          },
          timeout: LOAD_TIMEOUT_MS,
        })
      : await puppeteer.launch({
          browser: 'chrome',
          executablePath: CHROMIUM,
          headless: true,
          args: CHROMIUM_ARGS,
          timeout: LOAD_TIMEOUT_MS,
        });
  return {
    name: engine,
    version: await browser.version(),
    // A browser context per page: its own storage and service workers, as a fresh profile.
    async newPage() {
      const context = await browser.createBrowserContext();
      const page = await context.newPage();
      await page.setViewport(VIEWPORT);
      await page.evaluateOnNewDocument(watchPage);
      return new PuppeteerPage(context, page, engine);
    },
    close: () => browser.close(),
  };
}

// --- WebKitGTK through WebKitWebDriver (classic W3C WebDriver) ---------------------------------

const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf'; // the W3C web element identifier

// The programs started here (Xvfb, WebKitWebDriver), ended with the test process however it ends.
const children = new Set();
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});
function track(child) {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** Starts a program; `output()` is the end of what it wrote to stderr. */
function start(cmd, args, options) {
  const child = track(spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], ...options }));
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr = (stderr + d).slice(-4000);
  });
  child.output = () => stderr;
  return child;
}

/** Stops a child we started, by its pid, and waits for it. */
async function stop(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await Promise.race([gone, sleep(5000)]);
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL');
    await gone;
  }
}

/** An X display of its own (Xvfb -displayfd picks a free number). */
async function startXvfb() {
  const child = track(
    spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1600x1200x24', '-nolisten', 'tcp'], {
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    }),
  );
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr = (stderr + d).slice(-4000);
  });
  const display = await new Promise((resolve, reject) => {
    let out = '';
    child.stdio[3].on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve(`:${out.trim()}`);
    });
    child.once('error', (err) => reject(new Error(`Xvfb could not start (Debian package xvfb): ${err.message}`)));
    child.once('exit', (code) => reject(new Error(`Xvfb exited (${code}) before giving a display: ${stderr}`)));
  });
  return { child, display };
}

/** The watcher as a script of the page's own origin, which its policy allows (`script-src 'self'`). */
const WATCH_PATH = '/__medreach-e2e-watch.js';

/**
 * A forward proxy for the browser: every plain-HTTP request comes here with its absolute URL.
 * Requests to `allowed` (the app's origin) are passed on; any other is recorded and refused, and
 * so is any CONNECT (a TLS tunnel to anywhere). Into each HTML page passed on it puts, first in
 * its <head>, `<script src="/__medreach-e2e-watch.js">`, which it answers itself with
 * `watchPage`: so the watcher runs before the page's own scripts there too.
 */
async function startProxy() {
  const seen = [];
  const outside = [];
  let allowed = null;
  const server = createServer((req, res) => {
    let url;
    try {
      url = new URL(req.url);
    } catch {
      outside.push(req.url);
      res.writeHead(400).end();
      return;
    }
    seen.push(url.href);
    if (url.origin !== allowed) {
      outside.push(url.href);
      res.writeHead(403, { 'Content-Type': 'text/plain' }).end('refused by the test proxy');
      return;
    }
    if (url.pathname === WATCH_PATH) {
      res.writeHead(200, { 'Content-Type': 'text/javascript', 'Cache-Control': 'no-store' });
      res.end(`(${watchPage.toString()})();\n`);
      return;
    }
    const headers = { ...req.headers, 'accept-encoding': 'identity' };
    delete headers['proxy-connection'];
    const upstream = httpRequest(
      { host: url.hostname, port: url.port, path: url.pathname + url.search, method: req.method, headers },
      (up) => {
        if (!/^text\/html/.test(up.headers['content-type'] ?? '') || up.statusCode !== 200) {
          res.writeHead(up.statusCode, up.headers);
          up.pipe(res);
          return;
        }
        const chunks = [];
        up.on('data', (c) => chunks.push(c));
        up.on('end', () => {
          const html = Buffer.concat(chunks)
            .toString('utf8')
            .replace(/<head>/i, `<head><script src="${WATCH_PATH}"></script>`);
          const out = { ...up.headers, 'content-length': Buffer.byteLength(html) };
          res.writeHead(up.statusCode, out).end(html);
        });
      },
    );
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  server.on('connect', (req, socket) => {
    outside.push(`CONNECT ${req.url}`);
    socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${server.address().port}`,
    seen,
    outside,
    allow(origin) {
      allowed = origin;
    },
    close: () =>
      new Promise((resolve) => {
        server.close(resolve);
        server.closeAllConnections();
      }),
  };
}

class WebDriverSession {
  constructor(base, id) {
    this.base = base;
    this.id = id;
  }

  async cmd(method, route, body) {
    const res = await fetch(`${this.base}/session/${this.id}${route}`, {
      method,
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
      // A script may run for the script timeout; a driver that has hung answers never.
      signal: AbortSignal.timeout(LOAD_TIMEOUT_MS + 30_000),
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json();
    if (!res.ok || json.value?.error) {
      throw new Error(`WebDriver ${method} ${route}: ${json.value?.error}: ${json.value?.message}`);
    }
    return json.value;
  }

  async element(selector) {
    const found = await this.cmd('POST', '/element', { using: 'css selector', value: selector });
    assert.ok(found?.[ELEMENT], `WebDriver: no element reference for ${selector}: ${JSON.stringify(found)}`);
    return found[ELEMENT];
  }
}

class WebDriverPage {
  constructor(session, proxy) {
    this.session = session;
    this.proxy = proxy;
    this.engine = 'webkit';
    this.origin = null;
    this.logs = [];
    // One page at a time: what the proxy saw is this page's.
    proxy.seen.length = 0;
    proxy.outside.length = 0;
  }

  get outside() {
    return this.proxy.outside;
  }

  async goto(url) {
    this.origin = new URL(url).origin;
    this.proxy.allow(this.origin);
    await this.session.cmd('POST', '/url', { url });
    // The proxy put the watcher first in the page; `refused()` fails if it is not there.
  }

  async evaluate(fn, ...args) {
    return this.session.cmd('POST', '/execute/sync', {
      script: `return (${fn.toString()}).apply(null, arguments);`,
      args,
    });
  }

  async click(selector) {
    const el = await this.session.element(selector);
    await this.session.cmd('POST', `/element/${el}/click`, {});
  }

  async upload(selector, files) {
    const el = await this.session.element(selector);
    await this.session.cmd('POST', `/element/${el}/value`, { text: files.join('\n') });
  }

  async screenshot(file) {
    const png = await this.session.cmd('GET', '/screenshot');
    writeFileSync(file, Buffer.from(png, 'base64'));
  }

  async refused() {
    return this.evaluate(() => window.__refused ?? ['(the policy watcher is missing)']);
  }

  /** What the page logged: only its uncaught errors since the load (WebDriver reads no console). */
  async log() {
    const errors = await this.evaluate(() => window.__errors ?? []).catch(() => []);
    return [...this.logs, ...errors];
  }

  async close() {
    await this.session.cmd('DELETE', '').catch(() => {});
  }
}

/** How long WebKitWebDriver may take to open a session before it is started again. */
const SESSION_TIMEOUT_MS = 60_000;
/** Sessions tried, each with a fresh driver after the first, before a page is given up. */
const SESSION_ATTEMPTS = 3;

/** Starts WebKitWebDriver on a free port of `display` and waits until it answers. */
async function startWebKitDriver(display) {
  const port = await freePort();
  const child = start(WEBKIT_DRIVER, [`--port=${port}`, '--host=127.0.0.1'], {
    env: { ...process.env, DISPLAY: display },
  });
  const base = `http://127.0.0.1:${port}`;
  let up = false;
  for (let i = 0; i < 100 && !up; i++) {
    if (child.exitCode !== null) {
      await stop(child);
      throw new Error(`WebKitWebDriver exited (${child.exitCode}): ${child.output()}`);
    }
    up = await fetch(`${base}/status`).then((r) => r.ok, () => false);
    if (!up) await sleep(100);
  }
  if (!up) {
    await stop(child);
    assert.fail(`WebKitWebDriver did not answer on ${base}: ${child.output()}`);
  }
  return { child, base };
}

/**
 * Opens a WebDriver session (a fresh MiniBrowser in automation mode, with no stored data) and
 * returns its id and capabilities; fails after `SESSION_TIMEOUT_MS`.
 */
async function openWebKitSession(driver, proxy) {
  const res = await fetch(`${driver.base}/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json; charset=utf-8' },
    signal: AbortSignal.timeout(SESSION_TIMEOUT_MS),
    body: JSON.stringify({
      capabilities: {
        alwaysMatch: {
          'webkitgtk:browserOptions': { args: ['--automation'] },
          proxy: { proxyType: 'manual', httpProxy: proxy.address, sslProxy: proxy.address, noProxy: [] },
          timeouts: { script: LOAD_TIMEOUT_MS, pageLoad: LOAD_TIMEOUT_MS },
        },
      },
    }),
  });
  const json = await res.json();
  if (!res.ok || !json.value?.sessionId) {
    throw new Error(`WebKitWebDriver gave no session: ${JSON.stringify(json.value)}\n${driver.child.output()}`);
  }
  return json.value;
}

async function launchWebKit() {
  const xvfb = await startXvfb();
  const proxy = await startProxy();
  let driver = null;
  const cleanup = async () => {
    await stop(driver?.child);
    await stop(xvfb.child);
    await proxy.close();
  };
  try {
    driver = await startWebKitDriver(xvfb.display);
    let version = 'WebKitGTK';
    return {
      name: 'webkit',
      get version() {
        return version;
      },
      proxy,
      // A session per page. Now and then the driver never answers a new session (the browser
      // did not come up); the page is then asked of a driver started afresh.
      async newPage() {
        const failures = [];
        for (let attempt = 1; ; attempt++) {
          try {
            const opened = await openWebKitSession(driver, proxy);
            const { browserName, browserVersion } = opened.capabilities;
            version = `${browserName} (WebKitGTK ${browserVersion})`;
            const session = new WebDriverSession(driver.base, opened.sessionId);
            await session.cmd('POST', '/window/rect', VIEWPORT);
            return new WebDriverPage(session, proxy);
          } catch (err) {
            failures.push(`attempt ${attempt}: ${err.message}`);
            if (attempt >= SESSION_ATTEMPTS) {
              throw new Error(`WebKitWebDriver opened no session in ${attempt} attempts:\n${failures.join('\n')}`);
            }
            await stop(driver.child);
            driver = await startWebKitDriver(xvfb.display);
          }
        }
      },
      close: cleanup,
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

/** Starts `engine`: 'firefox', 'webkit' or 'chromium'. */
export async function launchEngine(engine) {
  if (engine === 'webkit') return launchWebKit();
  if (engine === 'firefox' || engine === 'chromium') return launchPuppeteer(engine);
  throw new Error(`unknown engine ${engine}`);
}

// --- waiting and checking, the same for every engine --------------------------------------------

/**
 * Polls `fn(...args)` in the page until it returns a truthy value, and returns that value; fails
 * with `what` and the last value after `timeout` ms.
 */
export async function waitFor(page, what, fn, args = [], timeout = LOAD_TIMEOUT_MS) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await page.evaluate(fn, ...args);
    } catch (err) {
      last = `error: ${err.message.split('\n')[0]}`;
    }
    if (last && !(typeof last === 'string' && last.startsWith('error: '))) return last;
    if (Date.now() > deadline) assert.fail(`${page.engine}: timed out after ${timeout} ms waiting for ${what} (last: ${JSON.stringify(last)})`);
    await sleep(150);
  }
}

/** Fails on any request to another origin seen, or anything the page's policy refused. */
export async function checkPolicy(page) {
  assert.deepEqual(page.outside, [], `${page.engine}: requests to another origin`);
  assert.deepEqual(await page.refused(), [], `${page.engine}: refused by the Content-Security-Policy`);
}

/** Saves a screenshot of `page` as target/e2e/<name>.png and returns its path. */
export async function screenshot(page, dir, name) {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name.replace(/[^A-Za-z0-9_-]+/g, '_')}.png`);
  await page.screenshot(file);
  return file;
}
