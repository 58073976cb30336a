// An OpenStreetMap extract dropped into the page: its layers are recognised, the map draws
// with the OpenStreetMap attribution, and adding the case's settlements gives the reference.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  TEST_TIMEOUT_MS,
  casePath,
  launchBrowser,
  loadFiles,
  osmPath,
  reference,
  tid,
  waitForCount,
  waitForShare,
  withApp,
} from './helpers.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

test('(i) an .osm.pbf extract loads in the page', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  await withApp(t, browser, async (page) => {
    await loadFiles(page, [osmPath('andorra')]);
    // Counts established independently with pyosmium (see tests/engine/osm.rs).
    await waitForCount(page, 'roads', 1613);
    await waitForCount(page, 'facilities', 10);
    await page.waitForSelector(`${tid('map-canvas')}[data-drawn="true"]`);
    assert.match(await page.textContent(tid('attribution')), /OpenStreetMap/);
    // The case's own settlements replace the extract's; the hospitals mapped as points give
    // the reference times, so the share matches the reference to within one settlement's
    // rounding (the reference stores one area hospital's centroid rounded to 7 decimals).
    await loadFiles(page, [casePath('andorra', 'settlements.geojson')]);
    await waitForCount(page, 'settlements', 59);
    await waitForShare(page, reference('andorra', 'walk').summary.share_within_threshold, 'andorra extract, walk', 1e-6);
  });
});
