// The referral table (issue 12 §4): in a walking analysis of the demo county, every township
// health center's way to the hospitals is timed by car; a row draws its way on the map, and the
// rule's mode can be changed among the rule parameters.

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

test('(r1) the referral table drives, draws a way when a row is clicked, and judges on foot when asked', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  await withApp(t, browser, async (page) => {
    assert.equal(await page.getAttribute(tid('mode-walk'), 'aria-pressed'), 'true');
    const table = page.locator(tid('referral-table'));
    await table.waitFor();
    const rows = page.locator(tid('referral-row'));
    // 15 centers, each to the two county hospitals.
    assert.equal(await rows.count(), 30);
    const heading = await page.locator('section.card', { has: table }).locator('h3').textContent();
    assert.match(heading, /驾车|Drive/);
    const minutes = async () => (await page.locator(`${tid('referral-row')} td.num`).allTextContents())
      .filter((_, i) => i % 2 === 0).map(Number);
    const byCar = await minutes();
    assert.ok(byCar.every((m) => m > 0 && m < 60), byCar.join(' '));
    await rows.nth(3).click();
    await page.waitForFunction(() => document.querySelector('canvas[data-testid="map-canvas"]')?.getAttribute('data-focus') === 'route-3');
    await page.screenshot({ path: `${process.env.MEDREACH_SHOTS ?? '/tmp'}/referral-route.png` });
    // The table as CSV: a header and a row per center and hospital, times as in the page.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click(tid('export-referral-csv'))]);
    assert.equal(download.suggestedFilename(), 'referral.csv');
    const chunks = [];
    for await (const c of await download.createReadStream()) chunks.push(c);
    const lines = Buffer.concat(chunks).toString('utf8').replace(/^\uFEFF/, '').trim().split('\r\n');
    assert.equal(lines.length, 31);
    assert.equal(Number(lines[4].split(',')[4]).toFixed(1), byCar[3].toFixed(1));
    // Judged on foot: the same ways take longer.
    await page.click(`${tid('rule-params')} summary`);
    await page.selectOption(tid('param-referral_mode'), 'walk');
    await page.waitForFunction(() => /步行|Walk/.test(document.querySelector('[data-testid="referral-table"]').closest('section').querySelector('h3').textContent));
    const onFoot = await minutes();
    assert.equal(onFoot.length, byCar.length);
    assert.ok(onFoot.every((m, i) => m > byCar[i]), `${onFoot} against ${byCar}`);
  });
});
