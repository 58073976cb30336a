// The speed table is editable in the page: a slower walking speed lowers the share, the
// default shows beside the change, and "back to the defaults" restores the figure.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { TEST_TIMEOUT_MS, launchBrowser, shareValue, tid, waitForShare, waitForShareChange, withApp } from './helpers.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

test('(s2) the walking speed edited in the page changes the share, and resets', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  await withApp(t, browser, async (page) => {
    const share = await shareValue(page);
    await page.click(`${tid('speeds-panel')} summary`);
    const walk = page.locator(tid('speed-walk'));
    assert.equal(await walk.inputValue(), '5');
    await walk.fill('2.5');
    await walk.dispatchEvent('change');
    const slower = await waitForShareChange(page, share, 'walking at 2.5 km/h');
    assert.ok(slower < share, `${slower} against ${share}`);
    assert.match(await page.textContent(tid('speeds-panel')), /(default|默认) 5/);
    // A speed of zero is not taken: the field shows the speed in use again.
    await walk.fill('0');
    await walk.dispatchEvent('change');
    assert.equal(await walk.inputValue(), '2.5');
    await page.click(tid('speeds-reset'));
    await waitForShare(page, share, 'back to the default speeds');
  });
});

test('(s3) by e-bike, the third mode, more of the demo county is within reach than on foot', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  await withApp(t, browser, async (page) => {
    assert.equal(await page.getAttribute(tid('mode-walk'), 'aria-pressed'), 'true');
    const walking = await shareValue(page);
    await page.click(tid('mode-ebike'));
    const ebike = await waitForShareChange(page, walking, 'e-bike');
    assert.ok(ebike > walking + 0.01, `e-bike ${ebike} against walking ${walking}`);
    assert.equal(await page.getAttribute(tid('mode-ebike'), 'aria-pressed'), 'true');
    await page.click(`${tid('speeds-panel')} summary`);
    assert.equal(await page.locator(tid('speed-ebike')).inputValue(), '15');
  });
});
