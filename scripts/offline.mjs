// Turns a built dist/ into one self-contained HTML file that works when opened from a file
// (file://) and requests nothing: the styles inlined, the wasm gzipped and base64-inlined, the
// JS glue inlined and started by a short script of ours. scripts/offline.sh builds dist/ first
// when it is missing or older than the sources; use that.
//
//   node scripts/offline.mjs DIST OUT.html
//
// How the file starts: one inline script holds wasm-bindgen's glue, made a classic script, then
// our start-up. The start-up sets `medreachWorkerScript`, the engine worker's script: the glue
// again, then the packed wasm, unpacked and started. src/ui/client.rs starts that as a classic
// worker instead of importing the module by its URL (a file page has no files beside it to
// name; Chromium starts no module worker from a file page's blob:, and its worker cannot fetch
// the page's blob: URLs, hence the wasm inside the script). Then it unpacks the wasm and starts
// the page. Neither the page nor the worker fetches anything.
//
// Its Content-Security-Policy is the hosted page's without 'self' (a file has no origin of its
// own to trust): no other origin for anything, scripts only the one inline script (by its
// SHA-256), the worker from blob:, WebAssembly by 'wasm-unsafe-eval'. The service worker's
// registration and the web manifest are left out: they are for the hosted page.
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

const [dist, out] = process.argv.slice(2);
if (!dist || !out) {
  console.error('usage: node scripts/offline.mjs DIST OUT.html');
  process.exit(2);
}
const fail = (message) => {
  console.error(`offline.mjs: ${message}`);
  process.exit(1);
};
const read = (name) => readFileSync(path.join(dist, name));
// Only the page's own files: a plain name beside index.html.
const local = (href) => {
  const name = href.replace(/^\.\//, '');
  if (!/^[\w.-]+$/.test(name)) fail(`unexpected asset path ${href} in ${dist}/index.html`);
  return name;
};

let html = read('index.html').toString('utf8');

// Trunk's start-up script names the glue and the wasm.
const startup = /import init, \* as bindings from '([^']+\.js)';\s*const wasm = await init\(\{ module_or_path: '([^']+\.wasm)' \}\);/.exec(html);
if (!startup) fail(`no Trunk start-up script (import init … module_or_path) in ${dist}/index.html`);
const module = read(local(startup[1])).toString('utf8').replace(/\r\n?/g, '\n');
const wasm = read(local(startup[2]));
const init = /^export \{[^}]*\b([\w$]+) as default\b[^}]*\};?[ \t]*$/m.exec(module);
if (!init) fail(`the glue ${startup[1]} has no default export (wasm-bindgen's init)`);

// The glue as a classic script: its exports plain declarations, `import.meta` (which only the
// default wasm path and src/ui/client.rs's module URL read, both unused here) the script's own
// location. Anything else that makes it a module, or would load a file, is a build error.
const glue = module
  .replace(/^export (?=(?:async )?function\b|class\b|const\b|let\b|var\b)/gm, '')
  .replace(init[0], '')
  .replaceAll('import.meta', '({ url: self.location.href })');
const still = /^\s*(?:import|export)\b.*$/m.exec(glue) ?? /\bimport\s*\(.*$/m.exec(glue);
if (still) fail(`the glue ${startup[1]} still has, as a classic script: ${still[0]}`);

// Markup that would end or confuse an inline script ("</script", "<!--" switch the HTML parser's
// script states); wasm-bindgen's glue has none, and if it ever does, better a build error.
const MARK = '// ---- MedReach one-file start-up (scripts/offline.mjs) ----';
for (const bad of ['</script', '<!--', MARK]) {
  if (glue.toLowerCase().includes(bad.toLowerCase())) fail(`the glue contains ${JSON.stringify(bad)}`);
}

const name = init[1];
const boot = `${MARK}
(() => {
  const script = document.currentScript.textContent;
  const glue = script.slice(0, script.indexOf(${JSON.stringify(MARK)}));
  const packed = document.getElementById('medreach-wasm').textContent;
  const unpack = async (packed) => {
    const gzipped = Uint8Array.from(atob(packed), (c) => c.charCodeAt(0));
    // Not through a Blob: WebKit cannot read a Blob in a worker of a file page.
    const inflated = new Response(gzipped).body.pipeThrough(new DecompressionStream('gzip'));
    return new Response(inflated).arrayBuffer();
  };
  // A failure to start is thrown from a task of its own, so the page hears of it (worker.onerror).
  globalThis.medreachWorkerScript = [
    glue,
    \`(\${unpack})(\${JSON.stringify(packed)})\`,
    \`  .then((bytes) => ${name}({ module_or_path: bytes }))\`,
    '  .catch((e) => setTimeout(() => { throw e; }));',
    '',
  ].join('\\n');
  const ready = new Promise((ready) =>
    document.readyState === 'loading' ? addEventListener('DOMContentLoaded', ready, { once: true }) : ready(),
  );
  Promise.all([unpack(packed), ready]).then(([bytes]) => ${name}({ module_or_path: bytes }));
})();
`;
const code = `${glue}\n${boot}`;
const packed = gzipSync(wasm, { level: 9 }).toString('base64');

// Styles inline, in their order.
html = html.replace(/<link rel="stylesheet" href="([^"]+)"[^>]*>/g, (_, href) => {
  const css = read(local(href)).toString('utf8');
  if (/<\/style/i.test(css)) fail(`${href} contains "</style"`);
  return `<style>\n${css}</style>`;
});
// Out: every script (Trunk's start-up, the service worker's registration), the preloads, the
// manifest and the hosted page's policy.
html = html
  .replace(/<script\b[^>]*>[\s\S]*?<\/script>\s*/g, '')
  .replace(/<link rel="(?:modulepreload|preload|manifest)"[^>]*>\s*/g, '')
  .replace(/<meta http-equiv="Content-Security-Policy"[^>]*>\s*/g, '');
// Nothing left may name another file.
const leftover = [...html.matchAll(/\b(?:href|src)="(?!data:)([^"]*)"/g)].map((m) => m[1]);
if (leftover.length > 0) fail(`index.html still names files: ${leftover.join(', ')}`);

const sha = createHash('sha256').update(code, 'utf8').digest('base64');
const POLICY = [
  "default-src 'none'",
  `script-src 'wasm-unsafe-eval' 'sha256-${sha}'`,
  'worker-src blob:',
  'connect-src blob: data:',
  'img-src blob: data:',
  "style-src 'unsafe-inline'",
  'font-src data:',
  "manifest-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-src 'none'",
  "object-src 'none'",
].join('; ');
html = html.replace(
  /(<meta charset="utf-8" \/>)/,
  `$1\n    <meta http-equiv="Content-Security-Policy" content="${POLICY}" />`,
);
if (!html.includes(POLICY)) fail(`no <meta charset="utf-8" /> in ${dist}/index.html`);
const scripts =
  `<script type="application/octet-stream" id="medreach-wasm">${packed}</script>\n` +
  `<script>${code}</script>\n`;
if (!html.includes('</head>')) fail(`no </head> in ${dist}/index.html`);
html = html.replace('</head>', () => `${scripts}</head>`);

// Written whole or not at all.
const tmp = `${out}.tmp-${process.pid}`;
writeFileSync(tmp, html);
renameSync(tmp, out);
console.log(
  `offline.mjs: ${out}: ${(Buffer.byteLength(html) / 1048576).toFixed(1)} MB (wasm ${(wasm.length / 1048576).toFixed(1)} MB, gzipped and base64 ${(packed.length / 1048576).toFixed(1)} MB)`,
);
