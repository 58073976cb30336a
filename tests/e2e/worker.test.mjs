// The engine runs in a web worker: the page answers clicks while it works, a run can be
// cancelled, an input too big for memory gets a clear message (not a dead tab), and the
// floor area per resident of the building estimate can be edited.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  TEST_TIMEOUT_MS,
  launchBrowser,
  loadFiles,
  osmPath,
  setLimit,
  shareValue,
  tid,
  waitForCount,
  waitForDrawn,
  waitForShareChange,
  withApp,
} from './helpers.mjs';

const PORTO = osmPath('porto');
const BALTIMORE = osmPath('baltimore');

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

const countText = (page, layer) => page.textContent(tid(`count-${layer}`)).then((t) => t.trim());

test('(j) the page responds to clicks while the engine works', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  await withApp(t, browser, async (page) => {
    const langBefore = await page.getAttribute('html', 'lang');
    await loadFiles(page, [PORTO]);
    await page.waitForSelector(tid('busy'));
    // While the engine reads and routes Porto, the page switches language at once…
    const t0 = Date.now();
    await page.click(tid('lang-toggle'));
    // The moment the language has switched, is the engine still at work?
    const switched = await page.waitForFunction(
      ([before, busySel]) =>
        document.documentElement.lang !== before && {
          busy: !!document.querySelector(busySel),
          stage: document.querySelector(busySel)?.getAttribute('data-stage'),
        },
      [langBefore, tid('busy')],
      { timeout: 2000 },
    );
    const answeredMs = Date.now() - t0;
    const atSwitch = await switched.jsonValue();
    assert.ok(atSwitch.busy, 'the engine was still working when the language switched');
    const stages = ['starting', 'reading', 'building', 'joining', 'routing', 'summarising'];
    assert.ok(stages.includes(atSwitch.stage), atSwitch.stage);
    // …and zooms the map.
    const view = await page.getAttribute(tid('map-canvas'), 'data-view');
    await page.click(tid('zoom-in'));
    await page.waitForFunction(
      ([sel, v]) => document.querySelector(sel)?.getAttribute('data-view') !== v,
      [tid('map-canvas'), view],
      { timeout: 2000 },
    );
    assert.ok(answeredMs < 2000, `the language switched after ${answeredMs} ms`);
    // The new counts show at once; until Porto's report arrives the results are greyed as
    // stale (in one snapshot: while the engine still works, new counts mean stale figures).
    const snapshot = await page.waitForFunction(
      ([countSel, busySel, sideSel]) => {
        if (document.querySelector(countSel)?.textContent.trim() !== '51195') return null;
        return {
          busy: !!document.querySelector(busySel),
          stale: document.querySelector(sideSel)?.getAttribute('data-stale'),
        };
      },
      [tid('count-roads'), tid('busy'), tid('side')],
    );
    const seen = await snapshot.jsonValue();
    if (seen.busy) assert.equal(seen.stale, 'true', JSON.stringify(seen));
    // The work completes, and the results are current again.
    await page.waitForSelector(tid('busy'), { state: 'detached' });
    await waitForDrawn(page);
    assert.equal(await page.getAttribute(tid('side'), 'data-stale'), 'false');
  });
});

test('(k) cancel stops the work and keeps the previous results', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  await withApp(t, browser, async (page) => {
    const roads = await countText(page, 'roads');
    const share = await shareValue(page);
    await loadFiles(page, [PORTO]);
    await page.waitForSelector(tid('busy'));
    await page.click(tid('cancel'));
    await page.waitForSelector(tid('busy'), { state: 'detached', timeout: 10_000 });
    assert.match(await page.textContent(tid('engine-notice')), /Cancelled|已取消/);
    assert.equal(await countText(page, 'roads'), roads, 'the demo is still loaded');
    assert.equal(await shareValue(page), share, 'the demo results are still shown');
    // A fresh engine took over: a new limit gives a new share.
    await setLimit(page, 5);
    const next = await waitForShareChange(page, share, 'limit 5 after cancel');
    assert.ok(next < share);
  });
});

test('(l) an input too big for memory gets a clear message, not a dead tab', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  // The engine refuses to grow past 40 MB here (the browser's own limit is 4 GB): reading
  // Porto needs more, the demo county much less.
  await withApp(
    t,
    browser,
    async (page) => {
      const roads = await countText(page, 'roads');
      const share = await shareValue(page);
      await page.click(tid('lang-toggle'));
      const lang = await page.getAttribute('html', 'lang');
      await loadFiles(page, [PORTO]);
      await page.waitForSelector(tid('engine-notice'));
      const notice = await page.textContent(tid('engine-notice'));
      assert.match(notice, /porto\.osm\.pbf/, notice);
      assert.match(notice, lang === 'en' ? /out of memory/ : /内存不足/, notice);
      await page.waitForSelector(tid('busy'), { state: 'detached' });
      assert.equal(await countText(page, 'roads'), roads, 'the data loaded before is kept');
      assert.equal(await shareValue(page), share);
      await setLimit(page, 5);
      await waitForShareChange(page, share, 'limit 5 after the engine ran out of memory');
    },
    { query: '?memory_limit_mb=40' },
  );
  // The same for a synthetic network asked for on the map: too big, so the county comes back.
  await withApp(
    t,
    browser,
    async (page) => {
      const roads = await countText(page, 'roads');
      await page.fill(tid('synthetic-junctions'), '1000000');
      await page.dispatchEvent(tid('synthetic-junctions'), 'change');
      await page.click(tid('synthetic-show'));
      await page.waitForSelector(tid('engine-notice'));
      const notice = await page.textContent(tid('engine-notice'));
      assert.match(notice, /out of memory|内存不足/, notice);
      await page.waitForSelector(tid('busy'), { state: 'detached' });
      assert.equal(await countText(page, 'roads'), roads, 'the county is shown again');
      assert.doesNotMatch(await page.textContent(tid('demo-banner')), /1000000/);
      await page.waitForSelector(`${tid('side')}[data-stale="false"]`);
    },
    { query: '?timing&memory_limit_mb=40' },
  );
});

test('(m) the floor area per resident of a building estimate is editable', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  await withApp(t, browser, async (page) => {
    await loadFiles(page, [BALTIMORE]);
    await waitForCount(page, 'roads', 3835);
    await page.waitForSelector(tid('population-estimated'));
    // The report on the new data, not the demo's still shown greyed until it comes.
    await page.waitForSelector(`${tid('side')}[data-stale="false"]`);
    const people = async () =>
      Number((await page.textContent(tid('population-total'))).replace(/[^0-9]/g, ''));
    await page.waitForFunction((sel) => /\d/.test(document.querySelector(sel)?.textContent ?? ''), tid('population-total'));
    const at40 = await people();
    assert.ok(at40 > 1000, `${at40}`);
    assert.equal(await page.inputValue(tid('floor-area')), '40');
    const input = page.locator(tid('floor-area'));
    await input.fill('20');
    await input.dispatchEvent('change');
    await page.waitForFunction(
      ([sel, before]) => Number((document.querySelector(sel)?.textContent ?? '').replace(/[^0-9]/g, '')) !== before,
      [tid('population-total'), at40],
    );
    const at20 = await people();
    assert.ok(Math.abs(at20 - 2 * at40) <= 2, `${at20} residents at 20 m², ${at40} at 40 m²`);
  });
});

test('(n) the timing view times the nearest-facility pass and a synthetic network', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  await withApp(
    t,
    browser,
    async (page) => {
      const lines = async () => Object.fromEntries(
        (await page.textContent(tid('timing-lines'))).split('\n').filter(Boolean).map((l) => l.split(': ')),
      );
      await page.setInputFiles(tid('bench-input'), osmPath('andorra'));
      await page.waitForFunction((sel) => /checksum/.test(document.querySelector(sel)?.textContent ?? ''), tid('timing-lines'));
      const pass = await lines();
      assert.equal(pass.nodes, '38513', JSON.stringify(pass));
      assert.ok(Number(pass.pass_median_ms) > 0, JSON.stringify(pass));
      await page.fill(tid('synthetic-junctions'), '20000');
      await page.dispatchEvent(tid('synthetic-junctions'), 'change');
      await page.click(tid('synthetic-run'));
      await page.waitForFunction((sel) => /total_s/.test(document.querySelector(sel)?.textContent ?? ''), tid('timing-lines'));
      const syn = await lines();
      const junctions = Number(syn.junctions);
      assert.ok(junctions > 19000 && junctions < 21000, JSON.stringify(syn));
      assert.ok(Number(syn.bytes_per_junction) > 0, JSON.stringify(syn));
      assert.ok(Number(syn.share_within_15_min_drive) > 0, JSON.stringify(syn));
      assert.ok(Number(await page.getAttribute(tid('engine-memory'), 'data-bytes')) > 0);
      // The same network on the map: its layers are counted, drawn and checked like a load.
      await page.click(tid('synthetic-show'));
      await waitForCount(page, 'roads', Number(syn.roads));
      await waitForCount(page, 'settlements', Number(syn.settlements));
      await page.waitForSelector(`${tid('side')}[data-stale="false"]`);
      // Every road is walkable, so the map draws every segment of the network.
      await page.waitForFunction(
        ([sel, n]) => document.querySelector(sel)?.getAttribute('data-segments') === n,
        [tid('map-canvas'), syn.segments],
      );
      await waitForDrawn(page);
      assert.match(await page.textContent(tid('demo-banner')), /20000/);
      assert.ok(Number(await page.textContent(tid('count-violations'))) > 0, 'the rules ran on its villages');
    },
    { query: '?timing' },
  );
});
