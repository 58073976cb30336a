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

// A county of 40 x 40 villages (generated here), one settlement in each and one clinic in all:
// thousands of findings. Grouped by place, only the groups whose findings fit in the page's
// budget (1,000) start open; a closed group lists its findings when opened.
function bigCounty() {
  const side = 40;
  const d = 0.01;
  const features = [];
  const square = (x0, y0, s) => [[[x0, y0], [x0 + s, y0], [x0 + s, y0 + s], [x0, y0 + s], [x0, y0]]];
  features.push({
    type: 'Feature',
    properties: { name: '大县', level: 'county', code: '439001000000' },
    geometry: { type: 'Polygon', coordinates: square(110, 30, side * d) },
  });
  for (let j = 0; j < side; j++) {
    for (let i = 0; i < side; i++) {
      const k = j * side + i;
      const [x, y] = [110 + i * d, 30 + j * d];
      features.push({
        type: 'Feature',
        properties: { name: `村${k + 1}`, level: 'village' },
        geometry: { type: 'Polygon', coordinates: square(x, y, d) },
      });
      features.push({
        type: 'Feature',
        properties: { name: `居民点${k + 1}`, population: 100 },
        geometry: { type: 'Point', coordinates: [x + d / 2, y + d / 2] },
      });
    }
  }
  features.push({
    type: 'Feature',
    properties: { name: '卫生室', kind: 'village_clinic' },
    geometry: { type: 'Point', coordinates: [110.005, 30.005] },
  });
  return Buffer.from(JSON.stringify({ type: 'FeatureCollection', features }));
}

test('(o) thousands of findings: groups beyond the budget start closed and fill when opened', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  await withApp(t, browser, async (page) => {
    await page.setInputFiles(tid('file-input'), {
      name: 'big-county.geojson',
      mimeType: 'application/geo+json',
      buffer: bigCounty(),
    });
    await page.waitForFunction((sel) => document.querySelector(sel)?.textContent.trim() === '1601', tid('count-admin'), {
      timeout: 120_000,
    });
    await page.waitForFunction((sel) => Number(document.querySelector(sel)?.textContent) > 1000, tid('count-violations'), {
      timeout: 120_000,
    });
    await page.waitForSelector(`${tid('side')}[data-stale="false"]`);
    await page.selectOption(tid('group-by'), 'unit');
    await page.waitForFunction((sel) => document.querySelectorAll(sel).length > 1000, tid('finding-group'));
    const state = () =>
      page.evaluate(
        ([groupSel, findingSel]) => {
          const groups = [...document.querySelectorAll(groupSel)];
          return {
            groups: groups.length,
            open: groups.filter((g) => g.open).length,
            listed: document.querySelectorAll(findingSel).length,
            total: groups.reduce((n, g) => n + Number(g.querySelector('summary').textContent.match(/\((\d+)\)/)[1]), 0),
          };
        },
        [tid('finding-group'), tid('finding')],
      );
    const first = await state();
    assert.ok(first.open > 0 && first.open < first.groups, JSON.stringify(first));
    assert.ok(first.listed <= 1000 && first.listed > 0, JSON.stringify(first));
    assert.ok(first.total > first.listed, JSON.stringify(first));
    // Opening the last group lists its findings.
    const last = page.locator(tid('finding-group')).last();
    assert.equal(await last.locator(tid('finding')).count(), 0);
    await last.locator('summary').click();
    await last.locator(tid('finding')).first().waitFor();
    const after = await state();
    assert.equal(after.open, first.open + 1, JSON.stringify(after));
    assert.ok(after.listed > first.listed, JSON.stringify(after));
  });
});
