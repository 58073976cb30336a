// The printable report: opened from the page in Chinese, it holds the county, the headline figure
// as the page shows it, the target scorecard and the findings in Chinese, and prints on A4.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { TEST_TIMEOUT_MS, launchBrowser, shareValue, tid, withApp } from './helpers.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

test('(u) the printable report, in Chinese, prints on A4', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  await withApp(t, browser, async (page) => {
    if ((await page.getAttribute('html', 'lang')) !== 'zh-CN') await page.click(tid('lang-toggle'));
    await page.waitForFunction(() => document.documentElement.lang.startsWith('zh'));
    const share = await shareValue(page);
    await page.click(tid('open-report'));
    const view = page.locator(tid('report-view'));
    await view.waitFor();
    const title = await view.locator(tid('report-title')).textContent();
    assert.match(title, /青岚县/);
    assert.match(title, /基层医疗卫生服务可达性评估报告/);
    assert.equal((await view.locator(tid('report-share')).textContent()).trim(), `${(share * 100).toFixed(2)}%`);
    const targets = await view.locator(tid('report-targets')).textContent();
    assert.match(targets, /每个乡镇有一所乡镇卫生院/);
    assert.match(targets, /000 总体要求/);
    assert.doesNotMatch(targets, /General Requirements/);
    const findings = await view.locator(tid('report-findings')).textContent();
    assert.match(findings, /规划区域/, 'the planning area is named in Chinese');
    assert.doesNotMatch(findings, /planning area/);
    assert.ok(await view.locator('svg.map-svg').count() === 1, 'the map is in the report');

    const pdf = (await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true })).toString('latin1');
    const boxes = [...pdf.matchAll(/\/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]/g)];
    assert.ok(boxes.length >= 2, `pages: ${boxes.length}`);
    for (const [, w, h] of boxes) {
      assert.ok(Math.abs(Number(w) - 595.3) < 1.5 && Math.abs(Number(h) - 841.9) < 1.5, `A4 page, got ${w} x ${h}`);
    }
    // Only the report is printed: the app behind it is hidden on paper.
    const hidden = await page.evaluate(() => {
      const style = [...document.styleSheets].flatMap((s) => [...s.cssRules]).map((r) => r.cssText).join('\n');
      return /\.app\.printing > :not\(\.report-view\)/.test(style);
    });
    assert.ok(hidden, 'the print style hides the page behind the report');
    await page.click(tid('close-report'));
    await view.waitFor({ state: 'detached' });
  });
});

test('(w) exports are saved from the page: settlements CSV for Excel, findings, surface', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  await withApp(t, browser, async (page) => {
    const save = async (id) => {
      const [download] = await Promise.all([page.waitForEvent('download'), page.click(tid(id))]);
      const chunks = [];
      for await (const c of await download.createReadStream()) chunks.push(c);
      return { name: download.suggestedFilename(), bytes: Buffer.concat(chunks) };
    };
    const csv = await save('export-settlements-csv');
    assert.equal(csv.name, 'settlements.csv');
    assert.deepEqual([...csv.bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 with a BOM for Excel');
    const settlements = Number((await page.textContent(tid('count-settlements'))).replace(/[^0-9]/g, ''));
    assert.equal(csv.bytes.toString('utf8').trim().split('\r\n').length, settlements + 1);
    const geo = JSON.parse((await save('export-settlements-geojson')).bytes.toString('utf8'));
    assert.equal(geo.features.length, settlements);
    await page.locator(tid('export-surface-tif')).waitFor();
    const tif = await save('export-surface-tif');
    assert.equal(tif.bytes.subarray(0, 4).toString('latin1'), 'II*\0');
    const iso = JSON.parse((await save('export-isochrones')).bytes.toString('utf8'));
    assert.deepEqual(iso.features.map((f) => f.properties.max_min), [5, 10, 15, 30, 60]);
  });
});
