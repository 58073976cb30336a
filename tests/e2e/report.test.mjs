// The printable report: opened from the page in Chinese, it holds the county, the headline figure
// as the page shows it, the target scorecard and the findings in Chinese, and prints on A4. The
// exports: CSV, XLSX and GeoJSON saved from the page, the settlements in a chosen system.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { inflateRawSync } from 'node:zlib';
import { TEST_TIMEOUT_MS, launchBrowser, shareValue, tid, withApp } from './helpers.mjs';

// The member `name` of a zip (as the page writes them: sizes in the local headers, stored or
// deflated), as text.
const zipMember = (bytes, name) => {
  let at = 0;
  while (bytes.readUInt32LE(at) === 0x04034b50) {
    const method = bytes.readUInt16LE(at + 8);
    const size = bytes.readUInt32LE(at + 18);
    const nameLength = bytes.readUInt16LE(at + 26);
    const extraLength = bytes.readUInt16LE(at + 28);
    const member = bytes.subarray(at + 30, at + 30 + nameLength).toString('utf8');
    const start = at + 30 + nameLength + extraLength;
    const data = bytes.subarray(start, start + size);
    if (member === name) return (method === 8 ? inflateRawSync(data) : data).toString('utf8');
    at = start + size;
  }
  throw new Error(`no ${name} in the zip`);
};

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

test('(w) exports are saved from the page: settlements CSV and XLSX for Excel, in a chosen system, findings, surface', { timeout: TEST_TIMEOUT_MS }, async (t) => {
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
    assert.equal(geo.crs, undefined, 'WGS84 by default');
    // Excel workbooks: one sheet, text as inline strings, a row per settlement after the header.
    const xlsxIds = {
      'export-settlements-xlsx': 'settlements.xlsx',
      'export-findings-xlsx': 'findings.xlsx',
      'export-units-xlsx': 'admin-units.xlsx',
      'export-scorecard-xlsx': 'scorecard.xlsx',
    };
    for (const [id, name] of Object.entries(xlsxIds)) {
      const book = await save(id);
      assert.equal(book.name, name);
      assert.equal(book.bytes.subarray(0, 4).toString('latin1'), 'PK\x03\x04', `${name} is a zip`);
      assert.match(zipMember(book.bytes, 'xl/workbook.xml'), /<sheet name="[^"]+" sheetId="1"/);
      const sheet = zipMember(book.bytes, 'xl/worksheets/sheet1.xml');
      assert.match(sheet, /t="inlineStr"/, `${name}: text cells`);
      if (name === 'settlements.xlsx') {
        assert.equal(sheet.match(/<row /g).length, settlements + 1);
        assert.match(sheet, /<c r="D2"><v>\d+(\.\d+)?<\/v><\/c>/, 'the population is a number');
      }
    }
    // Another coordinate system for the settlements: GCJ-02 is said in the CSV's headers.
    await page.selectOption(tid('export-crs'), 'gcj02');
    const gcj = (await save('export-settlements-csv')).bytes.toString('utf8');
    const header = gcj.split('\r\n')[0];
    assert.match(header, /gcj02/, header);
    const gcjGeo = JSON.parse((await save('export-settlements-geojson')).bytes.toString('utf8'));
    assert.equal(gcjGeo.coordinate_system, 'gcj02');
    assert.notEqual(gcjGeo.features[0].geometry.coordinates[0], geo.features[0].geometry.coordinates[0]);
    // An EPSG code: the GeoJSON in metres, with its crs member; a code MedReach cannot convert
    // is said, and nothing is saved.
    await page.selectOption(tid('export-crs'), 'epsg');
    await page.fill(tid('export-crs-epsg'), '4544');
    const gk = JSON.parse((await save('export-settlements-geojson')).bytes.toString('utf8'));
    assert.equal(gk.crs.properties.name, 'urn:ogc:def:crs:EPSG::4544');
    assert.ok(gk.features[0].geometry.coordinates[0] > 100000, 'eastings in metres');
    await page.fill(tid('export-crs-epsg'), '2000');
    await page.locator(tid('export-crs-invalid')).waitFor();
    await page.selectOption(tid('export-crs'), 'wgs84');
    await page.locator(tid('export-crs-invalid')).waitFor({ state: 'detached' });
    await page.locator(tid('export-surface-tif')).waitFor();
    const tif = await save('export-surface-tif');
    assert.equal(tif.bytes.subarray(0, 4).toString('latin1'), 'II*\0');
    const iso = JSON.parse((await save('export-isochrones')).bytes.toString('utf8'));
    assert.deepEqual(iso.features.map((f) => f.properties.max_min), [5, 10, 15, 30, 60]);
  });
});
