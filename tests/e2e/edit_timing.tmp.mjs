import { chromium } from 'playwright-core';
import path from 'node:path';
import { CHROMIUM, CHROMIUM_ARGS } from './helpers.mjs';
const url = process.env.MEDREACH_URL + '?timing';
const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
page.setDefaultTimeout(300000);
await page.goto(url);
const tid = (id) => `[data-testid="${id}"]`;
await page.waitForSelector(tid('share-within-limit') + '[data-value]', { timeout: 120000 });
await page.waitForTimeout(1500);
if (process.env.PORTO) {
  const was = await page.getAttribute(tid('map-canvas'), 'data-segments');
  await page.setInputFiles(tid('file-input'), ['roads', 'facilities', 'settlements'].map((n) => path.join(process.env.PORTO, `${n}.geojson`)));
  await page.waitForFunction(([sel, b]) => { const c = document.querySelector(sel); return c && c.getAttribute('data-drawn') === 'true' && c.getAttribute('data-segments') !== b; }, [tid('map-canvas'), was]);
  await page.waitForTimeout(3000);
}
await page.selectOption(tid('edit-kind'), 'medical_service_point');
await page.click(tid('edit-tool-add'));
const box = await page.locator(tid('map-canvas')).boundingBox();
const rows = [];
const n = Number(process.env.EDITS ?? 8);
for (let i = 0; i < n; i++) {
  const before = await page.getAttribute(tid('share-within-limit'), 'data-value');
  await page.mouse.click(box.x + box.width * (0.3 + 0.05 * i), box.y + box.height * (0.35 + 0.04 * i));
  await page.waitForFunction(([sel, b]) => document.querySelector(sel)?.getAttribute('data-value') !== b, [tid('share-within-limit'), before], { timeout: 30000 }).catch(() => {});
  await page.waitForTimeout(process.env.PORTO ? 2500 : 800);
  const get = async (id) => (await page.locator(tid(id)).count()) ? (await page.textContent(tid(id))).trim() : '-';
  rows.push({ routing: await get('time-routing'), summarising: await get('time-summarising'), draw: await get('time-draw'), share: await page.getAttribute(tid('share-within-limit'), 'data-value') });
}
console.table(rows);
await page.screenshot({ path: '/tmp/edit-timing.png' });
await browser.close();
