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
    // The default demo is the generated county: every rule is checked, and most find something.
    await page.waitForSelector(tid('demo-banner'));
    assert.match(await page.textContent(tid('demo-banner')), /青岚县/);
    assert.equal(Number(await page.textContent(tid('count-not-checked'))), 0, 'every rule is checked on the county demo');
    const rules = new Set(await findings.evaluateAll((els) => els.map((e) => e.dataset.rule)));
    assert.ok(rules.size >= 12, `findings of ${rules.size} rules: ${[...rules].join(', ')}`);
    const violations = Number(await page.textContent(tid('count-violations')));
    const advisories = Number(await page.textContent(tid('count-advisories')));
    // Each group lists at most 200 findings; the counts at the top are over all of them.
    const groupTotals = await page.$$eval(`${tid('finding-group')} summary`, (els) =>
      els.map((e) => Number((e.textContent.match(/\((\d+)\)/) || [0, 0])[1])),
    );
    assert.equal(
      groupTotals.reduce((a, b) => a + b, 0),
      violations + advisories,
      'counts at the top match the groups',
    );
    assert.ok(total <= violations + advisories);

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

    // A rule filter shows that rule only.
    await page.selectOption(tid('filter-rule'), 'village.duplicate-clinics');
    await page.waitForFunction(
      (sel) => [...document.querySelectorAll(sel)].every((e) => e.dataset.rule === 'village.duplicate-clinics'),
      tid('finding'),
    );
    assert.ok((await findings.count()) >= 1);
    await page.selectOption(tid('filter-rule'), '');

    // Language: the finding text changes with it.
    const text = await findings.first().textContent();
    await page.click(tid('lang-toggle'));
    await page.waitForFunction(
      ([sel, prev]) => document.querySelector(sel)?.textContent !== prev,
      [tid('finding'), text],
    );
  });
});
