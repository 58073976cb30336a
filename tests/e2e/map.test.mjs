// The map responds: a row of the beyond-the-limit list selects its settlement and brings it to
// the centre; a click on the map there opens its popup; zoom and fit change the drawing.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { TEST_TIMEOUT_MS, launchBrowser, tid, withApp } from './helpers.mjs';

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

/** Waits until the map is drawn differently from the fingerprint `prev`; returns the new one. */
async function waitForRedraw(page, prev) {
  await page.waitForFunction(
    ([src, sel, p]) => new Function(`return (${src})`)()(sel) !== p,
    [PRINT.toString(), tid('map-canvas'), prev],
  );
  return canvasPrint(page);
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
