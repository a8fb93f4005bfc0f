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
      // ES2018 reaches Safari 12 and Chrome 64; esbuild lowers `?.` and `??` for them.
      esbuild({ target: 'es2018' }),
      terser({ ecma: 2018, compress: { passes: 2 }, format: { comments: false } }),
    ],
  },
  {
    // npm: plain ESM without auto-start; the store's bundler minifies it.
    input: 'src/index.ts',
    output: { file: 'dist/esm/index.js', format: 'es', sourcemap: true },
    external: ['web-vitals'],
    plugins: [resolve(), esbuild({ target: 'es2020' })],
  },
];
