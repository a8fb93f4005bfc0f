import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { measure, type Sizes } from './measure.js';

const SDK_DIR = fileURLToPath(new URL('..', import.meta.url));

/**
 * Bundles `source` (an entry module's text) into one minified browser script, as a store's
 * bundler would, and returns it with its sizes. Imports resolve from the SDK folder, so
 * `@lifeline/sdk` is this workspace's dist/ and competitors come from node_modules.
 */
export async function bundle(source: string): Promise<{ code: string; sizes: Sizes }> {
  const result = await build({
    stdin: { contents: source, resolveDir: SDK_DIR, loader: 'js' },
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2020',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  const code = result.outputFiles[0]!.text;
  return { code, sizes: measure(code) };
}

/** Whether `specifier` can be imported from the SDK folder (competitors are optional). */
export function installed(specifier: string): boolean {
  try {
    import.meta.resolve(specifier, new URL(`file://${SDK_DIR}/`).href);
    return true;
  } catch {
    return false;
  }
}
