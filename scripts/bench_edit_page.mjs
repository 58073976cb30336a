// What-if edits timed in the page (issue 12): medical service points added one after another
// by clicking the map, each read from the timing view (`?timing`): the worker's routing and
// summarising (the engine's time for the edit) and the map's redraw. Prints each edit and the
// medians. The first edit also computes the data as loaded for the comparison, so it is left
// out of the medians.
//
//   node scripts/bench_edit_page.mjs URL [--edits N] [--geojson DIR]
//
// Without --geojson, the demo county the page opens with; with it, the roads, facilities and
// settlements .geojson of DIR (`bench_read make`, Porto) dropped first. URL serves dist/.

import path from 'node:path';
import { flagReader, launchChromium, tid } from './bench_page.mjs';

const args = process.argv.slice(2);
const flag = flagReader(args);
const edits = Number(flag('--edits', '10'));
const geojsonDir = flag('--geojson', '');
const url = args[0];
if (!url || !(edits >= 2)) {
  console.error('usage: node scripts/bench_edit_page.mjs URL [--edits N >= 2] [--geojson DIR]');
  process.exit(2);
}

const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.setDefaultTimeout(300_000);
  await page.goto(`${url}?timing`, { waitUntil: 'load' });
  await page.waitForSelector(`${tid('share-within-limit')}[data-value]`);
  if (geojsonDir) {
    const was = await page.getAttribute(tid('map-canvas'), 'data-segments');
    await page.setInputFiles(tid('file-input'), ['roads', 'facilities', 'settlements'].map((n) => path.join(geojsonDir, `${n}.geojson`)));
    await page.waitForFunction(([sel, b]) => {
      const c = document.querySelector(sel);
      return c && c.getAttribute('data-drawn') === 'true' && c.getAttribute('data-segments') !== b;
    }, [tid('map-canvas'), was]);
  }
  // Let the surface that follows the report finish before the first click.
  await page.waitForTimeout(geojsonDir ? 3000 : 1500);
  await page.selectOption(tid('edit-kind'), 'medical_service_point');
  await page.click(tid('edit-tool-add'));
  const box = await page.locator(tid('map-canvas')).boundingBox();
  const ms = async (id) => Number.parseFloat(await page.textContent(tid(id)));
  const rows = [];
  for (let i = 0; i < edits; i++) {
    const count = await page.locator(tid('edit-item')).count();
    // Along a diagonal of the map, a little further each time.
    await page.mouse.click(box.x + box.width * (0.3 + (0.4 * i) / edits), box.y + box.height * (0.35 + (0.3 * i) / edits));
    await page.waitForFunction(([sel, n]) => document.querySelectorAll(sel).length > n, [tid('edit-item'), count]);
    // The report of the edit (its timings) and the redraw, then the surface after it.
    await page.waitForTimeout(geojsonDir ? 2500 : 800);
    const row = { routing: await ms('time-routing'), summarising: await ms('time-summarising'), draw: await ms('time-draw') };
    row.engine = Math.round((row.routing + row.summarising) * 10) / 10;
    rows.push(row);
    console.log(`edit ${i + 1}: engine ${row.engine} ms (routing ${row.routing}, summarising ${row.summarising}), redraw ${row.draw} ms`);
  }
  const median = (key) => {
    const v = rows.slice(1).map((r) => r[key]).sort((a, b) => a - b);
    return v[Math.floor((v.length - 1) / 2)];
  };
  console.log(`median of edits 2-${edits}: engine ${median('engine')} ms (routing ${median('routing')}, summarising ${median('summarising')}), redraw ${median('draw')} ms`);
} finally {
  await browser.close();
}
