// What the page benchmarks share (scripts/bench_wasm.mjs, scripts/bench_edit_page.mjs): their
// command line's flags, headless Chromium, and the page's test ids.

import { chromium } from 'playwright-core';

/** Takes `--name value` flags out of `args` (in place): `flag(name, fallback)` gives each. */
export function flagReader(args) {
  return (name, fallback) => {
    const i = args.indexOf(name);
    if (i < 0) return fallback;
    const v = args[i + 1];
    args.splice(i, 2);
    return v;
  };
}

/** Headless Chromium (MEDREACH_CHROMIUM, else the system's), as the benchmarks run it. */
export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.MEDREACH_CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** The selector of a `data-testid`. */
export const tid = (id) => `[data-testid="${id}"]`;
