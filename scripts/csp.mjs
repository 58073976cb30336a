// Trunk post-build hook: writes the page's Content-Security-Policy into the built index.html.
//
// The policy lets the page load nothing from another origin: scripts only from the page's own
// origin plus Trunk's inline start-up script (allowed by its SHA-256, computed here because it
// names the hashed file names of each build), the worker from the page's origin or a blob:,
// WebAssembly compiled ('wasm-unsafe-eval'), fetches and images only from the page itself,
// blob: and data: (the files the user drops, the map's image), no frames, no plugins, no form
// posts. Styles may be inline (the components set style attributes); scripts never.
//
// Run by Trunk (Trunk.toml [[hooks]]) with TRUNK_STAGING_DIR set; also by hand:
//   node scripts/csp.mjs DIR
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const dir = process.argv[2] || process.env.TRUNK_STAGING_DIR;
if (!dir) {
  console.error('csp.mjs: no directory (TRUNK_STAGING_DIR or an argument)');
  process.exit(2);
}
const file = path.join(dir, 'index.html');
let html = readFileSync(file, 'utf8');
const hashes = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map(
  ([, body]) => `'sha256-${createHash('sha256').update(body, 'utf8').digest('base64')}'`,
);
const POLICY = [
  "default-src 'none'",
  `script-src 'self' 'wasm-unsafe-eval' ${hashes.join(' ')}`.trim(),
  "worker-src 'self' blob:",
  "connect-src 'self' blob: data:",
  "img-src 'self' blob: data:",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self' data:",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-src 'none'",
  "object-src 'none'",
].join('; ');
const meta = `<meta http-equiv="Content-Security-Policy" content="${POLICY}" />`;
html = html.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>\s*/g, '');
// The policy must come before anything it governs: right after the charset.
html = html.replace(/(<meta charset="utf-8" \/>)/, `$1\n    ${meta}`);
if (!html.includes(meta)) {
  console.error(`csp.mjs: no <meta charset="utf-8" /> in ${file}`);
  process.exit(1);
}
writeFileSync(file, html);
console.log(`csp.mjs: ${hashes.length} inline script(s) allowed by hash in ${file}`);
