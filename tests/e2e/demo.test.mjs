// The app as it opens: the Andorra demo, drawn; the language toggle; the limit input.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  TEST_TIMEOUT_MS,
  assertShareText,
  beyondCount,
  canvasColours,
  demoDiffersFromCase,
  launchBrowser,
  reference,
  setLimit,
  shareValue,
  shareWithin,
  tid,
  waitForBeyondRows,
  waitForShare,
  waitForShareChange,
  withApp,
} from './helpers.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

// The demo is a byte-for-byte copy of the Andorra reference case's layers (checked first), so
// its figures must be the reference's exactly.
test('the demo (demo/andorra/) is a copy of tests/data/cases/andorra/', () => {
  assert.deepEqual(demoDiffersFromCase('andorra'), [], 'layers of demo/andorra/ that differ from the case');
});

test('(a) the demo map is drawn with its share, banner and attribution', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  await withApp(t, browser, async (page) => {
    const canvas = page.locator(`canvas${tid('map-canvas')}`);
    assert.equal(await canvas.getAttribute('data-drawn'), 'true');
    const segments = Number(await canvas.getAttribute('data-segments'));
    assert.ok(Number.isInteger(segments) && segments > 1000, `data-segments = ${segments}, expected > 1000`);

    // Not blank: copy the canvas (2d or webgl) into a fresh 2d canvas and count its colours.
    const pixels = await canvas.evaluate(canvasColours);
    assert.ok(pixels.width > 0 && pixels.height > 0, `canvas is ${pixels.width}×${pixels.height}`);
    assert.ok(pixels.distinct >= 4, `canvas has only ${pixels.distinct} distinct colours`);
    assert.ok(pixels.otherShare >= 0.001, `canvas is ${(100 * (1 - pixels.otherShare)).toFixed(2)}% one colour`);

    await page.waitForSelector(tid('share-within-limit'));
    await assertShareText(page);
    const ref = reference('andorra', 'walk');
    await waitForShare(page, ref.summary.share_within_threshold, 'demo (Andorra, walk, 15 min)');
    await waitForBeyondRows(page, beyondCount(ref, 15), 'demo beyond-list (15 min)');

    await page.locator(tid('demo-banner')).waitFor({ state: 'visible' });
    await page.getByText('OpenStreetMap').first().waitFor({ state: 'visible' });
  }, { query: '?demo=andorra' });
});

test('(e) the language toggle switches <html lang> and the visible text', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  await withApp(t, browser, async (page) => {
    // CJK characters on the page: many in the Chinese UI, next to none in the English one.
    const cjk = () => page.evaluate(() => (document.body.innerText.match(/[\u4e00-\u9fff]/g) ?? []).length);
    const switched = (want, fromCount) =>
      page.waitForFunction(
        ([w, n]) =>
          document.documentElement.lang === w &&
          Math.abs((document.body.innerText.match(/[\u4e00-\u9fff]/g) ?? []).length - n) >= 10,
        [want, fromCount],
        { polling: 100, timeout: 30_000 },
      );

    const first = await page.evaluate(() => document.documentElement.lang);
    assert.ok(['en', 'zh-CN'].includes(first), `<html lang> is "${first}", expected en or zh-CN`);
    const other = first === 'en' ? 'zh-CN' : 'en';
    const count = { [first]: await cjk() };

    await page.click(tid('lang-toggle'));
    await switched(other, count[first]).catch(async () => {
      assert.fail(`after the toggle: <html lang> "${await page.evaluate(() => document.documentElement.lang)}" (want ${other}), ${await cjk()} CJK characters (before: ${count[first]})`);
    });
    count[other] = await cjk();
    assert.ok(
      count['zh-CN'] >= count.en + 10,
      `Chinese UI shows ${count['zh-CN']} CJK characters, English UI ${count.en}`,
    );

    await page.click(tid('lang-toggle'));
    await switched(first, count[other]).catch(async () => {
      assert.fail(`after toggling back: <html lang> "${await page.evaluate(() => document.documentElement.lang)}" (want ${first}), ${await cjk()} CJK characters (in ${other}: ${count[other]})`);
    });
  });
});

test('(f) changing the limit to 30 minutes changes the share', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  await withApp(t, browser, async (page) => {
    await page.waitForSelector(tid('share-within-limit'));
    const input = page.locator(tid('limit-input'));
    assert.equal(await input.getAttribute('type'), 'number');
    assert.equal(Number(await input.inputValue()), 15, 'the default limit is 15 minutes');
    const before = await shareValue(page);

    await setLimit(page, 30);
    const afterValue = await waitForShareChange(page, before, 'limit 15 → 30');
    assert.ok(afterValue > before, `share at 30 min (${afterValue}) should exceed share at 15 min (${before})`);
    await assertShareText(page);
    const ref = reference('andorra', 'walk');
    await waitForShare(page, shareWithin(ref, 30), 'demo (Andorra, walk, 30 min)');
    await waitForBeyondRows(page, beyondCount(ref, 30), 'demo beyond-list (30 min)');
  }, { query: '?demo=andorra' });
});
