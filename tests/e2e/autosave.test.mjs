// Nothing lost (issue 13 §3): the working state (files, mode, limit, edits, scenarios) is kept
// in IndexedDB as it changes and comes back after a reload with a notice and a "start fresh"
// button; a browser that refuses storage (a private window) or a full quota gives a clear note
// and the page goes on working.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  CASE_LAYERS,
  TEST_TIMEOUT_MS,
  casePath,
  featureCount,
  launchBrowser,
  loadCase,
  reference,
  setLimit,
  shareValue,
  shareWithin,
  tid,
  waitForCount,
  waitForDrawn,
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

/** The record the page keeps in IndexedDB (null when none), parsed. */
async function kept(page) {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('medreach', 1);
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('state')) return resolve(null);
          const get = db.transaction('state').objectStore('state').get('work');
          get.onsuccess = () => resolve(get.result ? JSON.parse(get.result) : null);
          get.onerror = () => reject(get.error);
        };
      }),
  );
}

/** Waits until the kept record satisfies `ok`; fails with the last one. */
async function waitForKept(page, ok, what) {
  let last = null;
  for (let i = 0; i < 200; i += 1) {
    last = await kept(page);
    if (last && ok(last)) return last;
    await page.waitForTimeout(100);
  }
  assert.fail(`${what}: the record kept is ${JSON.stringify(last)?.slice(0, 400)}`);
}

test('(s1) files, limit, an edit and a scenario come back after a reload; start fresh forgets them', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  await withApp(t, browser, async (page) => {
    const demoShare = await shareValue(page);
    assert.equal(await kept(page), null, 'an untouched demo is not kept');
    await loadCase(page, 'andorra');
    await setLimit(page, 10);
    await waitForShare(page, shareWithin(reference('andorra', 'walk'), 10), 'Andorra at 10 min');
    const before = await shareValue(page);
    // A medical service point at the first settlement beyond the limit.
    await page.locator(tid('beyond-row')).first().click();
    const popup = page.locator(tid('settlement-popup'));
    await popup.waitFor();
    await popup.locator('button').click();
    await page.selectOption(tid('edit-kind'), 'medical_service_point');
    await page.click(tid('edit-tool-add'));
    await page.locator(tid('map-canvas')).scrollIntoViewIfNeeded();
    const box = await page.locator(tid('map-canvas')).boundingBox();
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    const edited = await waitForShareChange(page, before, 'a service point added');
    await page.fill(tid('scenario-name'), '方案甲');
    await page.click(tid('scenario-save'));
    const record = await waitForKept(
      page,
      (r) => r.work.scenarios.length === 1 && r.work.edits.length === 1 && r.settings.limit === 10,
      'the edit and the scenario kept',
    );
    assert.deepEqual(record.data.Files.names, CASE_LAYERS.map((l) => `${l}.geojson`));

    await page.reload({ waitUntil: 'load' });
    await page.locator(tid('restored-notice')).waitFor();
    assert.match(await page.textContent(tid('restored-notice')), /已恢复 \d{4}-\d\d-\d\d \d\d:\d\d 保存的工作|Restored your work from/);
    await waitForShare(page, edited, 'the edited share after the reload');
    await waitForDrawn(page);
    assert.equal(await page.inputValue(tid('limit-input')), '10');
    assert.equal(await page.locator(tid('edit-item')).count(), 1);
    assert.ok(
      await page.$$eval(`${tid('scenario-open')} option`, (os) => os.some((o) => o.textContent === '方案甲')),
      'the scenario is listed again',
    );
    assert.equal(Number(await page.textContent(tid('count-roads'))), featureCount(casePath('andorra', 'roads.geojson')));
    await page.screenshot({ path: `${process.env.MEDREACH_SHOTS ?? '/tmp'}/restored.png` });
    // Undo after the reload gives the share before the edit: the work is live, not a picture.
    await page.click(tid('edit-undo'));
    await waitForShare(page, before, 'undone after the reload');

    await Promise.all([page.waitForEvent('load'), page.click(tid('start-fresh'))]);
    await waitForDrawn(page);
    await page.locator(tid('demo-banner')).waitFor();
    await waitForShare(page, demoShare, 'the demo again');
    assert.equal(await page.locator(tid('restored-notice')).count(), 0);
    assert.equal(await page.inputValue(tid('limit-input')), '15');
    assert.equal(await kept(page), null, 'nothing kept after starting fresh');
  });
});

test('(s2) a browser that refuses storage says so and the page works', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const refuse = () => {
    Object.defineProperty(window, 'indexedDB', {
      get() {
        throw new DOMException('The user denied permission to access the database.', 'SecurityError');
      },
    });
  };
  await withApp(
    t,
    browser,
    async (page) => {
      await page.locator(tid('storage-note')).waitFor();
      assert.match(await page.textContent(tid('storage-note')), /不允许本页保存数据|does not let the page keep data/);
      const share = await shareValue(page);
      await setLimit(page, 10);
      await waitForShareChange(page, share, 'the limit still works');
    },
    { initScript: refuse },
  );
});

test('(s3) a full quota names the file not kept, and a reload says to load it again', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const full = () => {
    const put = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function (value, key) {
      if (value instanceof ArrayBuffer && value.byteLength > 100000) {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      }
      return put.call(this, value, key);
    };
  };
  await withApp(
    t,
    browser,
    async (page) => {
      const demoShare = await shareValue(page);
      await loadCase(page, 'andorra');
      await page.locator(tid('storage-note')).waitFor();
      const note = await page.textContent(tid('storage-note'));
      assert.match(note, /roads\.geojson/);
      assert.match(note, /存储空间已满|storage for this page is full/);
      await waitForKept(page, (r) => r.data.Files, 'the record kept without the large file');
      await page.reload({ waitUntil: 'load' });
      await page.locator(tid('restored-notice')).waitFor();
      const text = await page.textContent(tid('restored-notice'));
      assert.match(text, /roads\.geojson/, text);
      await waitForDrawn(page);
      // The two small files are back; the roads are to be loaded again.
      await waitForCount(page, 'facilities', featureCount(casePath('andorra', 'facilities.geojson')));
      await waitForCount(page, 'roads', 0);
      assert.ok(Number.isFinite(demoShare));
    },
    { initScript: full },
  );
});
