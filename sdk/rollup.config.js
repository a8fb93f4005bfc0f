import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import esbuild from 'rollup-plugin-esbuild';

// `@lifeline/protocol/limits` resolves to TypeScript source in the workspace and is
// bundled (it is not published); type-only imports of `@lifeline/protocol` vanish.
const resolve = () => nodeResolve({ browser: true, extensions: ['.ts', '.js'] });

/**
 * web-vitals from its standard build's individual modules (`dist/modules/`) rather than
 * its pre-minified single file, with soft-navigation support compiled out: it is opt-in
 * (`reportSoftNavs`), we never turn it on, and terser cannot see that its checks are
 * always false. `lib/softNavs.js` is replaced by constant versions, so every
 * soft-navigation branch of onLCP, onINP, onCLS, onFCP and onTTFB is removed. The build
 * fails if a web-vitals release moves that module, rather than quietly keeping the code.
 */
function webVitalsModules() {
  const modules = join(dirname(createRequire(import.meta.url).resolve('web-vitals')), 'modules');
  const softNavs = join(modules, 'lib', 'softNavs.js');
  let replaced = false;
  return {
    name: 'web-vitals-modules',
    resolveId: (source) => (source === 'web-vitals' ? join(modules, 'index.js') : null),
    load(id) {
      if (id !== softNavs) return null;
      replaced = true;
      return 'export const checkSoftNavsEnabled = () => false;\nexport const storeSoftNavEntry = () => {};';
    },
    buildEnd(error) {
      if (!error && !replaced) this.error(`web-vitals: ${softNavs} was not part of the build`);
    },
  };
}

/**
 * The script-tag builds' plugins: TypeScript to ES2022, then terser; `extra` go first.
 */
function scriptTagPlugins(...extra) {
  return [
    ...extra,
    resolve(),
    // web-vitals 6 already needs ES2022 engines (class fields, Array.prototype.at), so
    // lowering our code below that (`??=` is ES2021) would cost bytes and reach no further.
    esbuild({ target: 'es2022' }),
    terser({
      ecma: 2020,
      // The bundle is strict code in its own function scope: terser may rename and
      // inline across what were module boundaries.
      module: true,
      compress: { passes: 3, unsafe_arrows: true },
      // web-vitals names its private fields `_name`, to be mangled as its own build does;
      // so no key that leaves the bundle (wire keys, options, API) may start with `_`.
      mangle: { properties: { regex: /^_[a-zA-Z]/ } },
      format: { comments: false },
    }),
  ];
}

export default [
  {
    // Script tag: one minified file that defines window.lifeline and starts itself.
    input: 'src/browser.ts',
    output: { file: 'dist/lifeline.js', format: 'iife', sourcemap: true },
    plugins: scriptTagPlugins(),
  },
  {
    // Web vitals for the script tag, which adds this file once the page has loaded.
    input: 'src/vitalsTag.ts',
    output: { file: 'dist/lifeline-vitals.js', format: 'iife', sourcemap: true },
    plugins: scriptTagPlugins(webVitalsModules()),
  },
  {
    // npm: plain ESM without auto-start, one entry per subpath export; code they share
    // lives in chunks/. The store's bundler minifies it.
    input: { index: 'src/index.ts', vitals: 'src/vitals.ts', network: 'src/network.ts' },
    output: { dir: 'dist/esm', format: 'es', sourcemap: true, chunkFileNames: 'chunks/[name].js' },
    external: ['web-vitals'],
    plugins: [resolve(), esbuild({ target: 'es2020' })],
  },
];
