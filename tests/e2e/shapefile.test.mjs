// A county's own files: a zip of shapefiles in CGCS2000 Gauss-Kruger with GBK attributes and
// member names (made by GDAL from the demo county: tests/data/shapefile/make.sh) gives the
// demo county's share; a shapefile's sidecar without its .shp is named and refused.

import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { DATA, TEST_TIMEOUT_MS, launchBrowser, loadFiles, shareValue, tid, waitForCount, waitForShare, withApp } from './helpers.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

test('(v) a zip of Gauss-Kruger shapefiles in GBK gives the GeoJSON share', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  await withApp(t, browser, async (page) => {
    const demoShare = await shareValue(page);
    await loadFiles(page, [path.join(DATA, 'shapefile', 'county_gk3_zone35.zip')]);
    await waitForCount(page, 'settlements', 496);
    await waitForCount(page, 'admin', 108);
    await page.locator(tid('demo-banner')).waitFor({ state: 'hidden' });
    await waitForShare(page, demoShare, 'the shapefiles of the demo county');
    // A sidecar alone is refused, naming the file, and the data stay.
    await loadFiles(page, [path.join(DATA, 'shapefile', 'settlements_wgs84.dbf')]);
    const error = page.locator(tid('load-error'));
    await error.first().waitFor();
    assert.match(await error.first().textContent(), /settlements_wgs84\.dbf/);
    await waitForCount(page, 'settlements', 496);
  });
});
