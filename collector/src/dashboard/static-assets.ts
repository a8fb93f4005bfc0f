import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where `npm run build -w collector` writes the dashboard: `collector/dist/dashboard`. */
export const DEFAULT_ASSETS_DIR = fileURLToPath(new URL('../../dist/dashboard', import.meta.url));

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  map: 'application/json; charset=utf-8',
  svg: 'image/svg+xml',
  ico: 'image/x-icon',
};

/** Asset names are flat, hashed file names; anything else (`..`, `/`) is never a file of ours. */
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export interface Asset {
  body: Buffer;
  type: string;
}

/**
 * Reads built assets from disk, keeping each in memory after its first read (they are
 * immutable: a rebuild writes new hashed names; `index.html` is read anew each time, as it
 * is what points at them).
 *
 * @example const assets = createAssetStore(DEFAULT_ASSETS_DIR); await assets.read('assets', 'app-1a2b3c.js')
 */
export function createAssetStore(dir: string) {
  const cache = new Map<string, Asset>();
  return {
    async index(): Promise<Asset | undefined> {
      return load(join(dir, 'index.html'), 'html');
    },
    async read(folder: 'assets', name: string): Promise<Asset | undefined> {
      if (!SAFE_NAME.test(name)) return undefined;
      const ext = name.slice(name.lastIndexOf('.') + 1);
      if (!TYPES[ext]) return undefined;
      const key = `${folder}/${name}`;
      const hit = cache.get(key);
      if (hit) return hit;
      const asset = await load(join(dir, folder, name), ext);
      if (asset) cache.set(key, asset);
      return asset;
    },
  };
}

async function load(path: string, ext: string): Promise<Asset | undefined> {
  try {
    return { body: await readFile(path), type: TYPES[ext]! };
  } catch {
    return undefined;
  }
}
