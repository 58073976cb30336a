// Capacity-limited coverage in the page (issue 12 §3): a facilities register with 医生数 gives
// each facility its doctors per resident in reach, the same as PySAL `access` (the fixture of
// tests/data/access, whose ratios the native test checks to 1e-9); the most overloaded are
// listed first, and the map colours the settlements by their ratio.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { REPO_ROOT, TEST_TIMEOUT_MS, launchBrowser, loadFiles, tid, withApp, waitForCount } from './helpers.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

const dir = path.join(REPO_ROOT, 'tests', 'data', 'access');

test('(a1) doctors per resident within 15 minutes on foot, the overloaded first, the map by ratio', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  await withApp(t, browser, async (page) => {
    await loadFiles(page, ['roads', 'facilities', 'settlements'].map((n) => path.join(dir, `${n}.geojson`)));
    await waitForCount(page, 'facilities', 21);
    await page.click(tid('access-run'));
    await page.locator(tid('access-result')).waitFor();
    const expected = JSON.parse(readFileSync(path.join(dir, 'expected.json'), 'utf8'))
      .cases.find((c) => c.name === 'walk_doctors_2sfca');
    // The lowest ratio of the expected facilities, per 1,000 residents as the page shows it.
    const lowest = Math.min(...expected.facilities.map((f) => f[1]).filter((r) => r !== null));
    const first = await page.locator(`${tid('access-overloaded-row')} td.num`).nth(2).textContent();
    assert.equal(Number(first).toFixed(2), (lowest * 1000).toFixed(2));
    assert.ok(await page.locator(tid('access-idle-row')).count() > 0);
    await page.waitForFunction((sel) => document.querySelector(sel)?.getAttribute('data-access') === 'on', tid('map-canvas'));
    await page.locator(tid('access-panel')).screenshot({ path: `${process.env.MEDREACH_SHOTS ?? '/tmp'}/access-panel.png` });
    await page.uncheck(tid('access-map'));
    await page.waitForFunction((sel) => document.querySelector(sel)?.getAttribute('data-access') === 'off', tid('map-canvas'));
    // Beds by the Gaussian variant: another ranking, computed again.
    await page.selectOption(tid('access-field'), 'beds');
    await page.selectOption(tid('access-method'), 'g2sfca');
    const doctors = await page.textContent(tid('access-result'));
    await page.click(tid('access-run'));
    await page.waitForFunction(
      ([sel, before]) => document.querySelector(sel)?.textContent !== before,
      [tid('access-result'), doctors],
    );
    assert.ok(await page.locator(tid('access-overloaded-row')).count() > 0);
  });
});

test('(a2) the demo county, which gives no capacities, says so', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  await withApp(t, browser, async (page) => {
    await page.click(tid('access-run'));
    const error = page.locator(tid('access-error'));
    await error.waitFor();
    assert.match(await error.textContent(), /医生数|doctors/);
  });
});
