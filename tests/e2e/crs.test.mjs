// A file that does not say its coordinate system, in metres, is refused with a question; the
// system the user names reads it. A table shows the sheet and columns it was read from, to
// change.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { DATA, TEST_TIMEOUT_MS, launchBrowser, loadFiles, tid, waitForCount, withApp } from './helpers.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

test('(x) a Gauss-Kruger GeoJSON without its crs is asked about, and read as the user says', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const text = readFileSync(path.join(DATA, 'crs', 'settlements_epsg4544.geojson'), 'utf8');
  const bare = text.replace(/"crs": \{[^\n]*\},\n/, '');
  assert.notEqual(bare, text, 'the crs member is removed');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'medreach-crs-'));
  const file = path.join(dir, 'villages_gk.geojson');
  writeFileSync(file, bare);
  await withApp(t, browser, async (page) => {
    await loadFiles(page, [file]);
    const question = page.locator(`${tid('crs-question')}[data-file="villages_gk.geojson"]`);
    await question.waitFor();
    assert.match(await page.locator(tid('load-error')).first().textContent(), /villages_gk\.geojson/);
    assert.ok(await page.locator(tid('demo-banner')).isVisible(), 'the demo stays');
    await question.locator(tid('crs-code')).fill('EPSG:4544');
    await question.locator(tid('crs-apply')).click();
    await question.waitFor({ state: 'detached' });
    await waitForCount(page, 'settlements', 496);
  });
});

test('(y) a workbook shows the sheet and the columns it was read from', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  await withApp(t, browser, async (page) => {
    await loadFiles(page, [path.join(DATA, 'table', 'facilities_bd09.xlsx')]);
    const card = page.locator(`${tid('table-choice')}[data-file="facilities_bd09.xlsx"]`);
    await card.waitFor();
    assert.equal(await card.locator(tid('table-lon')).inputValue(), '百度经度');
    assert.equal(await card.locator(tid('table-lat')).inputValue(), '百度纬度');
    assert.ok((await card.locator(`${tid('table-sheet')} option`).count()) >= 2, 'both sheets offered');
    // Swapped columns put every position out of range: refused, and the table stays as read.
    const facilities = Number((await page.textContent(tid('count-facilities'))).replace(/[^0-9]/g, ''));
    await card.locator(tid('table-lon')).selectOption('百度纬度');
    await card.locator(tid('table-lat')).selectOption('百度经度');
    await card.locator(tid('table-apply')).click();
    await page.locator(tid('load-error')).first().waitFor();
    assert.match(await page.locator(tid('load-error')).first().textContent(), /facilities_bd09\.xlsx/);
    await waitForCount(page, 'facilities', facilities);
  });
});
