import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import esbuild from 'rollup-plugin-esbuild';

// `@lifeline/protocol/limits` resolves to TypeScript source in the workspace and is
// bundled (it is not published); type-only imports of `@lifeline/protocol` vanish.
const resolve = () => nodeResolve({ browser: true, extensions: ['.ts', '.js'] });

export default [
  {
    // Script tag: one minified file that defines window.lifeline and starts itself.
    input: 'src/browser.ts',
    output: { file: 'dist/lifeline.js', format: 'iife', sourcemap: true },
    plugins: [
      resolve(),
      // web-vitals 6 already needs ES2022 engines (class fields, Array.prototype.at), so
      // lowering our code below ES2020 would cost bytes and reach no further.
      esbuild({ target: 'es2020' }),
      terser({ ecma: 2020, compress: { passes: 3, unsafe_arrows: true }, format: { comments: false } }),
    ],
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
