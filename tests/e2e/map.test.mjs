// The map responds: a row of the beyond-the-limit list selects its settlement and brings it to
// the centre; a click on the map there opens its popup; zoom and fit change the drawing.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { LOAD_TIMEOUT_MS, TEST_TIMEOUT_MS, launchBrowser, tid, withApp } from './helpers.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

/** A cheap fingerprint of the canvas pixels, to tell one drawing from another (runs in the page). */
const PRINT = (sel) => {
  const c = document.querySelector(sel);
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let h = 0;
  for (let i = 0; i < d.length; i += 97) h = (h * 31 + d[i]) >>> 0;
  return h;
};

const canvasPrint = (page) => page.evaluate(PRINT, tid('map-canvas'));

/**
 * Waits until the map is drawn differently from the fingerprint `prev` (it redraws at the next
 * animation frame); returns the new one. Polled from here: the page's policy forbids building
 * the fingerprint function from text inside it.
 */
async function waitForRedraw(page, prev) {
  const deadline = Date.now() + LOAD_TIMEOUT_MS;
  for (;;) {
    const now = await canvasPrint(page);
    if (now !== prev) return now;
    assert.ok(Date.now() < deadline, 'the map was not redrawn');
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('(g) list row, map click, popup, zoom and fit', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  await withApp(t, browser, async (page) => {
    const firstRow = page.locator(tid('beyond-row')).first();
    const name = (await firstRow.locator('td').first().textContent()).trim();
    await firstRow.click();
    const popup = page.locator(tid('settlement-popup'));
    await popup.waitFor();
    assert.ok((await popup.textContent()).includes(name), `popup should name ${name}`);

    // Close it, then click the map where the selected settlement now sits (the centre).
    await popup.locator('button').click();
    await popup.waitFor({ state: 'detached' });
    const box = await page.locator(tid('map-canvas')).boundingBox();
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await popup.waitFor();
    assert.ok((await popup.textContent()).includes(name), `a click on the map should select ${name}`);

    const before = await canvasPrint(page);
    await page.click(tid('zoom-in'));
    const zoomed = await waitForRedraw(page, before);
    await page.click(tid('fit'));
    await waitForRedraw(page, zoomed);
  });
});

// Road colours as the page draws them (scene.rs BAND_COLOURS), and the map background.
const BAND_RGB = ['1a9850', '91cf60', 'd9ef8b', 'fdae61', 'f46d43', 'a50026', '9e9e9e'];

/** How many canvas pixels have exactly a band colour (runs in the page). */
const BAND_PIXELS = ([sel, colours]) => {
  const c = document.querySelector(sel);
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  const set = new Set(colours.map((h) => parseInt(h, 16)));
  let n = 0;
  for (let i = 0; i < d.length; i += 4) if (set.has((d[i] << 16) | (d[i + 1] << 8) | d[i + 2])) n++;
  return n;
};

test('(p) a network too big to stroke is rasterised, and zooming redraws it', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  // The synthetic demo of 20,000 junctions, forced through the rasteriser a province would use.
  await withApp(
    t,
    browser,
    async (page) => {
      await page.waitForFunction((sel) => Number(document.querySelector(sel)?.getAttribute('data-segments')) > 20000, tid('map-canvas'));
      await page.waitForSelector(`${tid('side')}[data-stale="false"]`);
      assert.equal(await page.getAttribute(tid('map-canvas'), 'data-render'), 'raster');
      const roads = await page.evaluate(BAND_PIXELS, [tid('map-canvas'), BAND_RGB]);
      assert.ok(roads > 10000, `${roads} road pixels`);
      const before = await canvasPrint(page);
      await page.click(tid('zoom-in'));
      await waitForRedraw(page, before);
      assert.ok((await page.evaluate(BAND_PIXELS, [tid('map-canvas'), BAND_RGB])) > 10000);
    },
    { query: '?demo=synthetic&junctions=20000&render=raster' },
  );
  // The demo county is small: smooth canvas paths.
  await withApp(t, browser, async (page) => {
    await page.waitForSelector(`${tid('side')}[data-stale="false"]`);
    assert.equal(await page.getAttribute(tid('map-canvas'), 'data-render'), 'paths');
  });
});
