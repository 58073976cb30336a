// A bad file is reported by name and leaves what was loaded before untouched.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  TEST_TIMEOUT_MS,
  counts,
  launchBrowser,
  loadCase,
  loadFiles,
  reference,
  shareValue,
  tid,
  waitForDrawn,
  waitForShare,
  withApp,
} from './helpers.mjs';

let browser;
let dir;
before(async () => {
  browser = await launchBrowser();
  dir = mkdtempSync(path.join(os.tmpdir(), 'medreach-e2e-'));
});
after(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Bad files, each a different file-level problem. */
const BAD_FILES = {
  // cut off in the middle: not JSON at all
  'broken_json.geojson': '{"type":',
  // valid JSON, but not GeoJSON
  'not_geojson.geojson': '{"hello":1}',
  // GeoJSON in projected metres (UTM-like), not longitude/latitude
  'projected_metres.geojson': JSON.stringify({
    type: 'FeatureCollection',
    features: [
      {
        type: 'Feature',
        properties: { name: 'Projected clinic', amenity: 'clinic' },
        geometry: { type: 'Point', coordinates: [500000, 4700000] },
      },
      {
        type: 'Feature',
        properties: { name: 'Projected road', highway: 'residential' },
        geometry: { type: 'LineString', coordinates: [[500000, 4700000], [500100, 4700050]] },
      },
      {
        type: 'Feature',
        properties: { name: 'Projected village', place: 'village', population: 100 },
        geometry: { type: 'Point', coordinates: [500050, 4700020] },
      },
    ],
  }),
};

test('(d) bad files show a load error naming the file and keep the loaded data', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const walk = reference('andorra', 'walk');
  await withApp(t, browser, async (page) => {
    // Something loaded by the user first, so "unchanged" means the user's data, not the demo.
    await loadCase(page, 'andorra');
    await waitForShare(page, walk.summary.share_within_threshold, 'Andorra walk before the bad files');
    const countsBefore = await counts(page);
    const shareBefore = await shareValue(page);

    for (const [name, content] of Object.entries(BAD_FILES)) {
      const file = path.join(dir, name);
      writeFileSync(file, content);
      await loadFiles(page, [file]);

      const error = page.locator(tid('load-error'), { hasText: name });
      try {
        await error.first().waitFor({ state: 'visible' });
      } catch (err) {
        const shown = await page.locator(tid('load-error')).allTextContents();
        assert.fail(`no load-error naming ${name}; load-errors shown: ${JSON.stringify(shown)}\n(${err.message.split('\n')[0]})`);
      }
      const text = (await error.first().textContent()).trim();
      assert.ok(text.length > name.length + 3, `load-error "${text}" should say what is wrong with ${name}`);

      await waitForDrawn(page);
      assert.deepEqual(await counts(page), countsBefore, `counts changed after loading ${name}`);
      assert.equal(await shareValue(page), shareBefore, `share changed after loading ${name}`);
      await waitForShare(page, walk.summary.share_within_threshold, `Andorra walk after ${name}`);
    }
  });
});
