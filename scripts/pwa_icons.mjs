// Renders pwa/icons/icon.svg to the PNGs the web manifest names (icon-192.png, icon-512.png),
// in headless Chromium. Run by hand after changing the SVG; the PNGs are committed.
//
//   node scripts/pwa_icons.mjs
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'pwa', 'icons');
const svg = readFileSync(path.join(HERE, 'icon.svg'), 'utf8');
const browser = await chromium.launch({
  executablePath: process.env.MEDREACH_CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
try {
  for (const size of [192, 512]) {
    const page = await browser.newPage({ viewport: { width: size, height: size } });
    await page.setContent(
      `<style>html,body{margin:0}svg{display:block;width:${size}px;height:${size}px}</style>${svg}`,
    );
    await page.screenshot({ path: path.join(HERE, `icon-${size}.png`), omitBackground: true });
    await page.close();
  }
} finally {
  await browser.close();
}
