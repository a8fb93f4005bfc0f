import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import esbuild from 'rollup-plugin-esbuild';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const outDir = here('../dist/dashboard');

/**
 * Writes the page around the bundle: the stylesheet (uPlot's and ours) and index.html,
 * both pointing at content-hashed names so the collector can serve assets as immutable.
 * The output folder is emptied first, so old hashed files do not pile up.
 */
function page() {
  return {
    name: 'dashboard-page',
    buildStart() {
      rmSync(outDir, { recursive: true, force: true });
      for (const f of ['index.html', 'src/styles.css']) this.addWatchFile(here(f));
    },
    generateBundle(_options, bundle) {
      const entry = Object.values(bundle).find((c) => c.type === 'chunk' && c.isEntry);
      const css = readFileSync(createRequire(import.meta.url).resolve('uplot/dist/uPlot.min.css'), 'utf8') + '\n' + readFileSync(here('src/styles.css'), 'utf8');
      const cssName = `assets/app-${createHash('sha256').update(css).digest('hex').slice(0, 10)}.css`;
      this.emitFile({ type: 'asset', fileName: cssName, source: css });
      const html = readFileSync(here('index.html'), 'utf8').replace('%CSS%', `/dashboard/${cssName}`).replace('%JS%', `/dashboard/${entry.fileName}`);
      this.emitFile({ type: 'asset', fileName: 'index.html', source: html });
    },
  };
}

export default {
  input: here('src/main.ts'),
  output: { dir: outDir, format: 'es', entryFileNames: 'assets/app-[hash].js', chunkFileNames: 'assets/[name]-[hash].js' },
  plugins: [
    nodeResolve({ browser: true, extensions: ['.ts', '.js'] }),
    // Type-only imports of @lifeline/protocol vanish here, so zod never reaches the page.
    esbuild({ target: 'es2020', tsconfig: here('tsconfig.json') }),
    terser({ ecma: 2020, compress: { passes: 2 }, format: { comments: false } }),
    page(),
  ],
};
