import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from './helpers.mjs';
const url = process.env.MEDREACH_URL + '?timing';
const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
await page.goto(url);
const tid = (id) => `[data-testid="${id}"]`;
await page.waitForSelector(tid('share-within-limit') + '[data-value]', { timeout: 120000 });
await page.waitForTimeout(1500);
await page.selectOption(tid('edit-kind'), 'medical_service_point');
await page.click(tid('edit-tool-add'));
const box = await page.locator(tid('map-canvas')).boundingBox();
const rows = [];
for (let i = 0; i < 6; i++) {
  const before = await page.getAttribute(tid('share-within-limit'), 'data-value');
  await page.mouse.click(box.x + box.width * (0.3 + 0.08 * i), box.y + box.height * (0.35 + 0.05 * i));
  await page.waitForFunction(([sel, b]) => document.querySelector(sel)?.getAttribute('data-value') !== b, [tid('share-within-limit'), before], { timeout: 30000 }).catch(() => {});
  await page.waitForTimeout(800);
  const get = async (id) => (await page.locator(tid(id)).count()) ? (await page.textContent(tid(id))).trim() : '-';
  rows.push({ routing: await get('time-routing'), summarising: await get('time-summarising'), draw: await get('time-draw'), share: await page.getAttribute(tid('share-within-limit'), 'data-value') });
}
console.table(rows);
await page.screenshot({ path: '/tmp/edit-timing.png' });
await browser.close();
