// Trunk post-build hook (after csp.mjs): writes the service worker, sw.js, into the build, from
// pwa/sw.js with this build's hash and file names filled in (see pwa/sw.js for what it does).
//
// The hash is over every file of the build, names and contents, index.html with its policy
// included: any change to the build changes sw.js, which is how a browser learns of a new build
// and replaces the files it keeps.
//
// Run by Trunk (Trunk.toml [[hooks]]) with TRUNK_STAGING_DIR set; also by hand:
//   node scripts/pwa.mjs DIR
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = process.argv[2] || process.env.TRUNK_STAGING_DIR;
if (!dir) {
  console.error('pwa.mjs: no directory (TRUNK_STAGING_DIR or an argument)');
  process.exit(2);
}
const template = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'pwa', 'sw.js');

const files = readdirSync(dir, { recursive: true, withFileTypes: true })
  .filter((entry) => entry.isFile())
  .map((entry) => path.relative(dir, path.join(entry.parentPath ?? entry.path, entry.name)).split(path.sep).join('/'))
  .filter((name) => name !== 'sw.js')
  .sort();
if (!files.includes('index.html')) {
  console.error(`pwa.mjs: no index.html in ${dir}`);
  process.exit(1);
}
const hash = createHash('sha256');
for (const name of files) {
  hash.update(`${name}\0`);
  hash.update(readFileSync(path.join(dir, name)));
  hash.update('\0');
}
const build = hash.digest('hex').slice(0, 20);

let sw = readFileSync(template, 'utf8');
const fill = (pattern, value) => {
  if (!pattern.test(sw)) {
    console.error(`pwa.mjs: ${template} has no line matching ${pattern}`);
    process.exit(1);
  }
  sw = sw.replace(pattern, value);
};
// './' is the page as a visit names it; the files are relative to sw.js, which is beside them.
fill(/^const BUILD = .*;$/m, `const BUILD = ${JSON.stringify(build)};`);
fill(/^const FILES = .*;$/m, `const FILES = ${JSON.stringify(['./', ...files])};`);
writeFileSync(path.join(dir, 'sw.js'), sw);
console.log(`pwa.mjs: sw.js keeps ${files.length + 1} file(s) of build ${build} in ${dir}`);
