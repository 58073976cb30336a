// Findings: a click on a finding moves the map to it and highlights it; filters narrow the
// list; the language switch rewords the findings.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { TEST_TIMEOUT_MS, launchBrowser, tid, withApp } from './helpers.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

const view = (page) => page.$eval(tid('map-canvas'), (c) => c.getAttribute('data-view'));

test('(h) opening a finding moves the map to it; filters and language apply', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  await withApp(t, browser, async (page) => {
    const findings = page.locator(tid('finding'));
    await findings.first().waitFor();
    const total = await findings.count();
    assert.ok(total > 0, 'the demo has findings');
    const violations = Number(await page.textContent(tid('count-violations')));
    const advisories = Number(await page.textContent(tid('count-advisories')));
    assert.equal(violations + advisories, total, 'counts at the top match the list');

    // The last finding of the first group is about a place with a point (a settlement or a
    // unit); clicking it moves the map and marks it.
    const before = await view(page);
    const target = findings.nth(total > 1 ? 1 : 0);
    await target.click();
    await page.waitForFunction(
      ([sel, prev]) => {
        const c = document.querySelector(sel);
        return c.getAttribute('data-focus') !== null && c.getAttribute('data-view') !== prev;
      },
      [tid('map-canvas'), before],
    );
    assert.ok(await target.evaluate((el) => el.classList.contains('focused')), 'the opened finding is highlighted');

    // Filters: advisories only shows just those.
    await page.selectOption(tid('filter-severity'), 'advisory');
    await page.waitForFunction(
      ([sel, n]) => document.querySelectorAll(sel).length === n,
      [tid('finding'), advisories],
    );
    await page.selectOption(tid('filter-severity'), '');
    await page.waitForFunction(([sel, n]) => document.querySelectorAll(sel).length === n, [tid('finding'), total]);

    // Language: the finding text changes with it.
    const text = await findings.first().textContent();
    await page.click(tid('lang-toggle'));
    await page.waitForFunction(
      ([sel, prev]) => document.querySelector(sel)?.textContent !== prev,
      [tid('finding'), text],
    );
  });
});
