// The printable report: opened from the page in Chinese, it holds the county, the headline figure
// as the page shows it, the target scorecard and the findings in Chinese, and prints on A4: the
// PDF's own text (read with pdfjs) holds the headline figure and the Chinese. The exports: CSV,
// XLSX and GeoJSON saved from the page, the settlements in a chosen system, the map as a PNG.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { inflateRawSync, inflateSync } from 'node:zlib';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { REPO_ROOT, TEST_TIMEOUT_MS, launchBrowser, shareValue, tid, withApp } from './helpers.mjs';

// Chromium (Skia) maps each glyph it embeds back to one code point, the lowest the font gives
// that glyph. Noto Sans CJK draws 青 and the radical ⻘ (U+2ED8), 生 and ⽣ (U+2F63), 一 and ⼀
// (U+2F00) with one glyph each, so the PDF's ToUnicode maps say "radical" for them, and Skia
// wraps every such glyph in a marked-content /Span whose /ActualText holds the character really
// printed. Readers that honour ActualText (pdfium, Acrobat) copy and find 青; pdfjs's
// getTextContent does not read it. These are the pairs the PDF itself gives: what the ToUnicode
// map says for a glyph in an ActualText span → what the span says it is.
const actualTextFixes = (bytes) => {
  const raw = Buffer.from(bytes).toString('latin1');
  const objects = new Map([...raw.matchAll(/(?:^|\n)(\d+) 0 obj\b([\s\S]*?)\nendobj/g)].map((m) => [m[1], m[2]]));
  const streamOf = (id) => {
    const body = objects.get(id) ?? '';
    const start = body.search(/stream\r?\n/);
    if (start < 0) return '';
    const from = body.indexOf('\n', start) + 1;
    const length = Number(/\/Length (\d+)(?! \d+ R)/.exec(body)?.[1] ?? body.lastIndexOf('endstream') - from);
    const data = Buffer.from(body.slice(from, from + length), 'latin1');
    return (/\/FlateDecode/.test(body.slice(0, start)) ? inflateSync(data) : data).toString('latin1');
  };
  const utf16 = (hex) => Buffer.from(hex, 'hex').swap16().toString('utf16le').replace(/^\ufeff/, '');
  const toUnicode = (fontId) => {
    const cmap = streamOf(/\/ToUnicode (\d+) 0 R/.exec(objects.get(fontId) ?? '')?.[1]);
    const width = (/begincodespacerange\s*<([0-9A-Fa-f]+)>/.exec(cmap)?.[1].length ?? 2);
    const map = new Map();
    for (const [, block] of cmap.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
      for (const [, code, text] of block.matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>/g)) map.set(parseInt(code, 16), utf16(text));
    }
    for (const [, block] of cmap.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
      for (const [, lo, hi, first] of block.matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>/g)) {
        for (let c = parseInt(lo, 16); c <= parseInt(hi, 16); c += 1) {
          map.set(c, String.fromCodePoint(parseInt(first, 16) + c - parseInt(lo, 16)));
        }
      }
    }
    return { width, map };
  };
  const fixes = new Map();
  for (const [, page] of [...objects].filter(([, b]) => /\/Type \/Page\b/.test(b))) {
    const fonts = new Map([.../\/Font <<([^>]*)>>/.exec(page)?.[1].matchAll(/\/(\w+) (\d+) 0 R/g) ?? []].map((m) => [m[1], toUnicode(m[2])]));
    const contents = /\/Contents (?:(\d+) 0 R|\[([^\]]*)\])/.exec(page);
    const ids = contents[1] ? [contents[1]] : [...contents[2].matchAll(/(\d+) 0 R/g)].map((m) => m[1]);
    let font = null;
    let actual = null;
    let shown = '';
    for (const m of ids.map(streamOf).join('\n').matchAll(/\/ActualText <([0-9A-Fa-f]*)>|\/(\w+) [-\d.]+ Tf|<([0-9A-Fa-f]+)> Tj|\bEMC\b/g)) {
      if (m[1] !== undefined) [actual, shown] = [utf16(m[1]), ''];
      else if (m[2]) font = fonts.get(m[2]);
      else if (m[3] && font) for (let i = 0; i < m[3].length; i += font.width) shown += font.map.get(parseInt(m[3].slice(i, i + font.width), 16)) ?? '';
      else if (actual !== null) {
        if (shown && shown !== actual && [...shown].length === 1) fixes.set(shown, actual);
        actual = null;
      }
    }
  }
  return fixes;
};

// The text of every page of a PDF as a reader honouring ActualText gets it (what a search or a
// copy from the PDF gets): pdfjs's text items joined, the ActualText pairs applied.
const pdfPages = async (bytes) => {
  const fixes = actualTextFixes(bytes);
  const doc = await getDocument({ data: new Uint8Array(bytes), isEvalSupported: false, verbosity: 0 }).promise;
  try {
    const pages = [];
    for (let n = 1; n <= doc.numPages; n += 1) {
      const content = await (await doc.getPage(n)).getTextContent();
      const text = content.items.map((item) => item.str ?? '').join('');
      pages.push([...text].map((ch) => fixes.get(ch) ?? ch).join(''));
    }
    return pages;
  } finally {
    await doc.destroy();
  }
};

// The member `name` of a zip (as the page writes them: sizes in the local headers, stored or
// deflated), as text.
const zipMember = (bytes, name) => {
  let at = 0;
  while (bytes.readUInt32LE(at) === 0x04034b50) {
    const method = bytes.readUInt16LE(at + 8);
    const size = bytes.readUInt32LE(at + 18);
    const nameLength = bytes.readUInt16LE(at + 26);
    const extraLength = bytes.readUInt16LE(at + 28);
    const member = bytes.subarray(at + 30, at + 30 + nameLength).toString('utf8');
    const start = at + 30 + nameLength + extraLength;
    const data = bytes.subarray(start, start + size);
    if (member === name) return (method === 8 ? inflateRawSync(data) : data).toString('utf8');
    at = start + size;
  }
  throw new Error(`no ${name} in the zip`);
};

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

test('(u) the printable report, in Chinese, prints on A4', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  await withApp(t, browser, async (page) => {
    if ((await page.getAttribute('html', 'lang')) !== 'zh-CN') await page.click(tid('lang-toggle'));
    await page.waitForFunction(() => document.documentElement.lang.startsWith('zh'));
    const share = await shareValue(page);
    await page.click(tid('open-report'));
    const view = page.locator(tid('report-view'));
    await view.waitFor();
    const title = await view.locator(tid('report-title')).textContent();
    assert.match(title, /青岚县/);
    assert.match(title, /基层医疗卫生服务可达性评估报告/);
    assert.equal((await view.locator(tid('report-share')).textContent()).trim(), `${(share * 100).toFixed(2)}%`);
    const targets = await view.locator(tid('report-targets')).textContent();
    assert.match(targets, /每个乡镇有一所乡镇卫生院/);
    assert.match(targets, /000 总体要求/);
    assert.doesNotMatch(targets, /General Requirements/);
    const findings = await view.locator(tid('report-findings')).textContent();
    assert.match(findings, /规划区域/, 'the planning area is named in Chinese');
    assert.doesNotMatch(findings, /planning area/);
    assert.ok(await view.locator('svg.map-svg').count() === 1, 'the map is in the report');

    const pdfBytes = await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
    const pdf = pdfBytes.toString('latin1');
    const boxes = [...pdf.matchAll(/\/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]/g)];
    assert.ok(boxes.length >= 2, `pages: ${boxes.length}`);
    for (const [, w, h] of boxes) {
      assert.ok(Math.abs(Number(w) - 595.3) < 1.5 && Math.abs(Number(h) - 841.9) < 1.5, `A4 page, got ${w} x ${h}`);
    }
    // The PDF's text, as a reader searching or copying it gets it: a page per MediaBox, the
    // headline figure on the first page, the title and the county in Chinese (every glyph's
    // character recoverable: no CJK radical left once the ActualText spans are read), no English
    // left over. pdfjs may split a line into several items and put spaces between them:
    // whitespace is dropped before matching.
    const pages = (await pdfPages(pdfBytes)).map((text) => text.replace(/\s+/g, ''));
    assert.equal(pages.length, boxes.length, 'a page per MediaBox');
    assert.ok(pages[0].includes(`${(share * 100).toFixed(2)}%`), `the headline figure on page 1: ${pages[0].slice(0, 400)}`);
    const all = pages.join('');
    assert.doesNotMatch(all, /[\u2e80-\u2fdf]/u, 'a CJK radical in the PDF text: a glyph whose character is lost');
    assert.ok(all.includes('基层医疗卫生服务可达性评估报告'), `the title in the PDF's text: ${all.slice(0, 200)}`);
    assert.ok(all.includes('青岚县'), 'the county in the PDF\'s text');
    assert.ok(all.includes('每个乡镇有一所乡镇卫生院'), 'the targets in Chinese in the PDF\'s text');
    assert.ok(!/GeneralRequirements/i.test(all), 'no English clause titles in the PDF');
    // Only the report is printed: the app behind it is hidden on paper.
    const hidden = await page.evaluate(() => {
      const style = [...document.styleSheets].flatMap((s) => [...s.cssRules]).map((r) => r.cssText).join('\n');
      return /\.app\.printing > :not\(\.report-view\)/.test(style);
    });
    assert.ok(hidden, 'the print style hides the page behind the report');
    await page.click(tid('close-report'));
    await view.waitFor({ state: 'detached' });
  });
});

test('(w) exports are saved from the page: settlements CSV and XLSX for Excel, in a chosen system, findings, surface, the map as PNG', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  await withApp(t, browser, async (page) => {
    // Chromium drops an 11th download started within a second (seen here: the 11th of quick
    // clicks never arrives, the next one a moment later does): the clicks are spaced out.
    const save = async (id) => {
      await page.waitForTimeout(150);
      const [download] = await Promise.all([page.waitForEvent('download'), page.click(tid(id))]);
      const chunks = [];
      for await (const c of await download.createReadStream()) chunks.push(c);
      return { name: download.suggestedFilename(), bytes: Buffer.concat(chunks) };
    };
    const csv = await save('export-settlements-csv');
    assert.equal(csv.name, 'settlements.csv');
    assert.deepEqual([...csv.bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 with a BOM for Excel');
    const settlements = Number((await page.textContent(tid('count-settlements'))).replace(/[^0-9]/g, ''));
    assert.equal(csv.bytes.toString('utf8').trim().split('\r\n').length, settlements + 1);
    const geo = JSON.parse((await save('export-settlements-geojson')).bytes.toString('utf8'));
    assert.equal(geo.features.length, settlements);
    assert.equal(geo.crs, undefined, 'WGS84 by default');
    // Excel workbooks: one sheet, text as inline strings, a row per settlement after the header.
    const xlsxIds = {
      'export-settlements-xlsx': 'settlements.xlsx',
      'export-findings-xlsx': 'findings.xlsx',
      'export-units-xlsx': 'admin-units.xlsx',
      'export-scorecard-xlsx': 'scorecard.xlsx',
    };
    for (const [id, name] of Object.entries(xlsxIds)) {
      const book = await save(id);
      assert.equal(book.name, name);
      assert.equal(book.bytes.subarray(0, 4).toString('latin1'), 'PK\x03\x04', `${name} is a zip`);
      assert.match(zipMember(book.bytes, 'xl/workbook.xml'), /<sheet name="[^"]+" sheetId="1"/);
      const sheet = zipMember(book.bytes, 'xl/worksheets/sheet1.xml');
      assert.match(sheet, /t="inlineStr"/, `${name}: text cells`);
      if (name === 'settlements.xlsx') {
        assert.equal(sheet.match(/<row /g).length, settlements + 1);
        assert.match(sheet, /<c r="D2"><v>\d+(\.\d+)?<\/v><\/c>/, 'the population is a number');
      }
    }
    // Another coordinate system for the settlements: GCJ-02 is said in the CSV's headers.
    await page.selectOption(tid('export-crs'), 'gcj02');
    const gcj = (await save('export-settlements-csv')).bytes.toString('utf8');
    const header = gcj.split('\r\n')[0];
    assert.match(header, /gcj02/, header);
    const gcjGeo = JSON.parse((await save('export-settlements-geojson')).bytes.toString('utf8'));
    assert.equal(gcjGeo.coordinate_system, 'gcj02');
    assert.notEqual(gcjGeo.features[0].geometry.coordinates[0], geo.features[0].geometry.coordinates[0]);
    // An EPSG code: the GeoJSON in metres, with its crs member; a code MedReach cannot convert
    // is said, and nothing is saved.
    await page.selectOption(tid('export-crs'), 'epsg');
    await page.fill(tid('export-crs-epsg'), '4544');
    const gk = JSON.parse((await save('export-settlements-geojson')).bytes.toString('utf8'));
    assert.equal(gk.crs.properties.name, 'urn:ogc:def:crs:EPSG::4544');
    assert.ok(gk.features[0].geometry.coordinates[0] > 100000, 'eastings in metres');
    await page.fill(tid('export-crs-epsg'), '2000');
    await page.locator(tid('export-crs-invalid')).waitFor();
    await page.selectOption(tid('export-crs'), 'wgs84');
    await page.locator(tid('export-crs-invalid')).waitFor({ state: 'detached' });
    await page.locator(tid('export-surface-tif')).waitFor();
    const tif = await save('export-surface-tif');
    assert.equal(tif.bytes.subarray(0, 4).toString('latin1'), 'II*\0');
    const iso = JSON.parse((await save('export-isochrones')).bytes.toString('utf8'));
    assert.deepEqual(iso.features.map((f) => f.properties.max_min), [5, 10, 15, 30, 60]);
    // The map as a PNG: drawn in the page at twice the SVG's size, on white, with its legend
    // (every band's colour as a swatch). Kept in target/e2e/map.png to look at.
    const png = await save('export-map-png');
    assert.equal(png.name, 'map.png');
    assert.equal(png.bytes.subarray(0, 8).toString('latin1'), '\x89PNG\r\n\x1a\n', 'a PNG signature');
    assert.equal(png.bytes.subarray(12, 16).toString('latin1'), 'IHDR');
    const [width, height] = [png.bytes.readUInt32BE(16), png.bytes.readUInt32BE(20)];
    assert.ok(width > 600 && height > 300, `map.png is ${width} x ${height}`);
    mkdirSync(path.join(REPO_ROOT, 'target', 'e2e'), { recursive: true });
    writeFileSync(path.join(REPO_ROOT, 'target', 'e2e', 'map.png'), png.bytes);
    const pixels = await page.evaluate(async (base64) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const ctx = canvas.getContext('2d');
      ctx.drawImage(bitmap, 0, 0);
      const data = ctx.getImageData(0, 0, bitmap.width, bitmap.height).data;
      const colours = new Set();
      let nonWhite = 0;
      let transparent = 0;
      for (let i = 0; i < data.length; i += 4) {
        const rgb = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
        colours.add(rgb);
        if (rgb !== 0xffffff) nonWhite += 1;
        if (data[i + 3] < 255) transparent += 1;
      }
      const hex = (rgb) => `#${rgb.toString(16).padStart(6, '0')}`;
      return { width: bitmap.width, height: bitmap.height, colours: [...colours].map(hex), nonWhite, transparent };
    }, png.bytes.toString('base64'));
    assert.deepEqual([pixels.width, pixels.height], [width, height]);
    assert.ok(pixels.colours.length >= 5, `colours: ${pixels.colours.length}`);
    assert.ok(pixels.nonWhite > width * height * 0.05, `non-white pixels: ${pixels.nonWhite} of ${width * height}`);
    assert.equal(pixels.transparent, 0, 'an opaque image');
    for (const band of ['#1a9850', '#91cf60', '#d9ef8b', '#fdae61', '#f46d43', '#a50026', '#9e9e9e']) {
      assert.ok(pixels.colours.includes(band), `the legend's ${band} swatch`);
    }
  });
});
