// Where to build next: the coverage map (surface under the roads, its band table, the cell's
// time on hover, the scale bar), and site suggestions on the demo county: three sites suggested,
// seen numbered on the map, added as planned facilities, and the share rises to what the
// suggestion promised.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { TEST_TIMEOUT_MS, launchBrowser, shareValue, tid, waitForShareChange, withApp } from './helpers.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

test('(s) the coverage map: surface, bands, hover time, scale bar', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  await withApp(t, browser, async (page) => {
    const canvas = page.locator(`${tid('map-canvas')}[data-surface="drawn"]`);
    await canvas.waitFor({ state: 'attached' });
    const rows = page.locator(tid('band-row'));
    await rows.first().waitFor();
    assert.equal(await rows.count(), 7, '0-5-10-15-30-60, beyond, unreachable');
    const pops = await rows.evaluateAll((trs) => trs.map((tr) => Number(tr.children[2].textContent.replace(/[^0-9.]/g, ''))));
    assert.ok(pops.reduce((a, b) => a + b, 0) > 100000, `band populations ${pops}`);
    // The cell's time under the pointer, in minutes.
    const box = await page.locator(tid('map-canvas')).boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const tip = page.locator(tid('cell-time'));
    await tip.waitFor();
    assert.match(await tip.textContent(), /\d+\.\d (min|分钟)|unreachable|不可达/);
    const scale = page.locator(tid('scale-bar'));
    assert.ok(Number(await scale.getAttribute('data-metres')) > 0);
    // Off: the map says so.
    await page.click(tid('surface-toggle'));
    await page.locator(`${tid('map-canvas')}[data-surface="none"]`).waitFor({ state: 'attached' });
  });
});

test('(t) suggest 3 sites on the demo county, see them, add them, the share rises', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  await withApp(t, browser, async (page) => {
    const before = await shareValue(page);
    const facilities = Number(await page.locator(tid('count-facilities')).textContent());
    await page.fill(tid('suggest-k'), '3');
    await page.click(tid('suggest-run'));
    const sites = page.locator(tid('suggest-site'));
    await sites.first().waitFor();
    assert.equal(await sites.count(), 3);
    const gap = await page.locator(tid('suggest-gap')).textContent();
    assert.match(gap, /best|最优/, `the proven gap is stated: ${gap}`);
    const promised = await page.locator(tid('suggest-after')).textContent();
    await page.locator(`${tid('map-canvas')}[data-suggested="3"]`).waitFor({ state: 'attached' });
    await page.click(tid('suggest-add'));
    const after = await waitForShareChange(page, before, 'adding the suggested sites');
    assert.ok(after > before, `share ${before} -> ${after}`);
    assert.equal(`${(after * 100).toFixed(1)} %`, promised.trim(), 'the share is what the suggestion promised');
    // The planned sites joined the facilities and the map marks them as planned.
    assert.equal(Number(await page.locator(tid('count-facilities')).textContent()), facilities + 3);
    await page.locator(`${tid('map-canvas')}[data-planned="3"]`).waitFor({ state: 'attached' });
  });
});
