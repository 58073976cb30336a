// MedReach's WebAssembly figures in headless Chromium, printed for scripts/bench.sh:
//  1. the nearest-facility pass of the native benchmark (Porto, drive, 30 facilities drawn
//     with the same seed) timed inside the page's worker (the timing view, `?timing`), with
//     its checksum, which must equal the native one;
//  2. Porto end to end: .pbf file in → map drawn, with the engine's memory;
//  3. a synthetic network of N junctions (default 2,000,000) generated and run end to end in
//     the worker, with its memory and bytes per junction.
//
//   node scripts/bench_wasm.mjs URL [PBF] [--junctions N] [--geojson DIR] [--json OUT]
//
// With --geojson DIR (roads, facilities and settlements .geojson, from `bench_read make`), also
// those three files end to end in the page: dropped together → map drawn (median of 3).
//
// URL serves dist/ (scripts/bench.sh starts one). Prints `key: value` lines.

import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { flagReader, launchChromium, tid } from './bench_page.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flag = flagReader(args);
const junctions = Number(flag('--junctions', '2000000'));
const geojsonDir = flag('--geojson', '');
const jsonOut = flag('--json', '');
const url = args[0];
const pbf = args[1] || path.join(ROOT, 'tests', 'data', 'osm', 'porto.osm.pbf');
if (!url) {
  console.error('usage: node scripts/bench_wasm.mjs URL [PBF] [--junctions N] [--json OUT]');
  process.exit(2);
}

const browser = await launchChromium();
const out = {};
// Files chosen → map drawn, in the page's own clock: from the file input's `change` event (so
// the time Playwright takes to hand the files to the page is not counted) to the first frame
// whose map shows the new data; and to the first frame whose headline figure is the new
// data's (the report follows the map). Returns `[map ms, figures ms]`.
async function endToEnd(p, files) {
  await p.evaluate((sel) => {
    window.__map = undefined;
    window.__figures = undefined;
    document.querySelector(sel).addEventListener('change', () => { window.__changed = performance.now(); }, { capture: true, once: true });
  }, tid('file-input'));
  const was = await p.getAttribute(tid('map-canvas'), 'data-segments');
  const shareWas = await p.getAttribute(tid('share-within-limit'), 'data-value');
  await p.setInputFiles(tid('file-input'), files);
  const handle = await p.waitForFunction(
    ([sel, b, share, sw]) => {
      if (window.__changed === undefined) return false;
      const at = performance.now() - window.__changed;
      const c = document.querySelector(sel);
      if (window.__map === undefined && c && c.getAttribute('data-drawn') === 'true' && c.getAttribute('data-segments') !== b) window.__map = at;
      const v = document.querySelector(share)?.getAttribute('data-value');
      if (window.__figures === undefined && v != null && v !== sw) window.__figures = at;
      return window.__map !== undefined && window.__figures !== undefined ? [window.__map, window.__figures] : false;
    },
    [tid('map-canvas'), was, tid('share-within-limit'), shareWas],
    { polling: 'raf' },
  );
  return (await handle.jsonValue()).map(Math.round);
}
const show = (key, value) => {
  out[key] = value;
  console.log(`${key}: ${value}`);
};
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  page.setDefaultTimeout(600_000);
  await page.goto(`${url}?timing`, { waitUntil: 'load' });
  await page.waitForSelector(`${tid('map-canvas')}[data-drawn="true"]`, { state: 'attached' });

  // 1. The nearest-facility pass.
  await page.setInputFiles(tid('bench-input'), pbf);
  await page.waitForFunction((sel) => /checksum|error/.test(document.querySelector(sel)?.textContent ?? ''), tid('timing-lines'));
  for (const line of (await page.textContent(tid('timing-lines'))).split('\n')) {
    const [k, v] = line.split(': ');
    if (k === 'error') throw new Error(`bench: ${v}`);
    show(`wasm_${k}`, v);
  }

  // 2. Porto end to end in a fresh page: file chosen → map drawn.
  const fresh = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  fresh.setDefaultTimeout(600_000);
  await fresh.goto(`${url}?timing`, { waitUntil: 'load' });
  await fresh.waitForSelector(`${tid('map-canvas')}[data-drawn="true"]`, { state: 'attached' });
  const [pbfMap, pbfFigures] = await endToEnd(fresh, pbf);
  show('end_to_end_ms', pbfMap);
  show('end_to_end_figures_ms', pbfFigures);
  show('end_to_end_segments', await fresh.getAttribute(tid('map-canvas'), 'data-segments'));
  show('end_to_end_engine_memory_mb', (Number(await fresh.getAttribute(tid('engine-memory'), 'data-bytes')) / 1048576).toFixed(0));
  const heap = await fresh.evaluate(() => performance.memory?.usedJSHeapSize ?? 0);
  show('end_to_end_page_js_heap_mb', (heap / 1048576).toFixed(0));
  for (const stage of ['reading', 'building', 'joining', 'routing', 'summarising']) {
    const el = await fresh.$(tid(`time-${stage}`));
    if (el) show(`end_to_end_${stage}`, (await el.textContent()).trim());
  }
  await fresh.close();

  // 2b. GeoJSON files end to end in a fresh page each time.
  if (geojsonDir) {
    const files = ['roads', 'facilities', 'settlements'].map((n) => path.join(geojsonDir, `${n}.geojson`));
    const times = [];
    const figures = [];
    for (let rep = 0; rep < 3; rep++) {
      const p = await browser.newPage({ viewport: { width: 1280, height: 860 } });
      p.setDefaultTimeout(600_000);
      await p.goto(`${url}?timing`, { waitUntil: 'load' });
      await p.waitForSelector(`${tid('map-canvas')}[data-drawn="true"]`, { state: 'attached' });
      const [map, fig] = await endToEnd(p, files);
      times.push(map);
      figures.push(fig);
      if (rep === 0) {
        for (const stage of ['reading', 'building', 'joining', 'routing', 'summarising']) {
          const el = await p.$(tid(`time-${stage}`));
          if (el) show(`geojson_${stage}`, (await el.textContent()).trim());
        }
      }
      await p.close();
    }
    times.sort((a, b) => a - b);
    figures.sort((a, b) => a - b);
    show('geojson_end_to_end_ms', times[1]);
    show('geojson_figures_ms', figures[1]);
  }

  // 3. A synthetic network in the worker.
  if (junctions > 0) {
    await page.fill(tid('synthetic-junctions'), String(junctions));
    await page.dispatchEvent(tid('synthetic-junctions'), 'change');
    await page.click(tid('synthetic-run'));
    await page.waitForFunction((sel) => /total_s|error/.test(document.querySelector(sel)?.textContent ?? ''), tid('timing-lines'));
    const notice = await page.$(tid('engine-notice'));
    if (notice) show('synthetic_notice', (await notice.textContent()).trim());
    for (const line of (await page.textContent(tid('timing-lines'))).split('\n')) {
      const [k, v] = line.split(': ');
      show(`synthetic_${k}`, v);
    }
  }
} finally {
  await browser.close();
  if (jsonOut) writeFileSync(jsonOut, `${JSON.stringify(out, null, 1)}\n`);
}
