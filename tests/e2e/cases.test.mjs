// Loading the reference cases from tests/data/cases gives the reference shares exactly.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  TEST_TIMEOUT_MS,
  beyondCount,
  casePath,
  featureCount,
  launchBrowser,
  loadCase,
  reference,
  tid,
  waitForBeyondRows,
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

test('(b) Andorra files give the reference walk and drive shares', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const walk = reference('andorra', 'walk');
  const drive = reference('andorra', 'drive');
  // The numbers the task states, as a guard against a changed data set.
  assert.equal(featureCount(casePath('andorra', 'roads.geojson')), 2801);
  assert.equal(featureCount(casePath('andorra', 'facilities.geojson')), 10);
  assert.equal(featureCount(casePath('andorra', 'settlements.geojson')), 59);

  await withApp(t, browser, async (page) => {
    await loadCase(page, 'andorra');
    await waitForShare(page, walk.summary.share_within_threshold, 'Andorra walk');
    await waitForBeyondRows(page, beyondCount(walk, 15), 'Andorra walk beyond-list');

    await page.click(tid('mode-drive'));
    await waitForShare(page, drive.summary.share_within_threshold, 'Andorra drive');
    await waitForBeyondRows(page, beyondCount(drive, 15), 'Andorra drive beyond-list');

    await page.click(tid('mode-walk'));
    await waitForShare(page, walk.summary.share_within_threshold, 'Andorra walk again');
  });
});

test('(c) Liechtenstein files give the reference drive share', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const drive = reference('liechtenstein', 'drive');
  await withApp(t, browser, async (page) => {
    await loadCase(page, 'liechtenstein');
    await page.click(tid('mode-drive'));
    await waitForShare(page, drive.summary.share_within_threshold, 'Liechtenstein drive');
  });
});
