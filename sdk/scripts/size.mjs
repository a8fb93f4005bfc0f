// Prints the raw, gzip and brotli sizes of the script-tag builds.
// Run by `npm run build`; test/build/bundle.test.ts enforces BROTLI_BUDGET.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

/**
 * The product's budget for `lifeline.js`, the script a page loads, in bytes
 * brotli-compressed: everything but web vitals, which come after the page's load event in
 * `lifeline-vitals.js` (web-vitals' own code is about 2.4 KB of that file).
 */
export const PRODUCT_BUDGET = 8192;

/**
 * The largest `lifeline.js` may be; a bigger build fails test/build/bundle.test.ts. Its
 * size now, 6.6 % over the product's budget (docs/sdk.md, "Bundle size"): any growth fails,
 * and the figure is lowered as the code shrinks, towards PRODUCT_BUDGET.
 */
export const BROTLI_BUDGET = 8729;

/** The same for `lifeline-vitals.js`, held at the size it has so it cannot grow unseen. */
export const VITALS_BROTLI_BUDGET = 3019;

export const BUNDLE = fileURLToPath(new URL('../dist/lifeline.js', import.meta.url));
export const VITALS_BUNDLE = fileURLToPath(new URL('../dist/lifeline-vitals.js', import.meta.url));

/**
 * Sizes in bytes of `file`: as is, gzip -9, and brotli at quality 11 (what CDNs serve).
 * @param {string} file
 * @returns {{ raw: number, gzip: number, brotli: number }}
 */
export function measure(file) {
  const data = readFileSync(file);
  return {
    raw: data.length,
    gzip: gzipSync(data, { level: 9 }).length,
    brotli: brotliCompressSync(data, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: data.length },
    }).length,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  /** @type {[string, string, number][]} */
  const builds = [['lifeline.js', BUNDLE, BROTLI_BUDGET], ['lifeline-vitals.js', VITALS_BUNDLE, VITALS_BROTLI_BUDGET]];
  for (const [name, file, budget] of builds) {
    const { raw, gzip, brotli } = measure(file);
    const share = ((brotli / budget) * 100).toFixed(0);
    console.log(`dist/${name}  raw ${raw} B  gzip ${gzip} B  brotli ${brotli} B (${share}% of the ${budget} B held)`);
  }
}
