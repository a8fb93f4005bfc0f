import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BROTLI_BUDGET, BUNDLE, measure } from '../../scripts/size.mjs';
import { SDK_NAME, SDK_VERSION } from '../../src/version.js';

const dist = (path: string) => fileURLToPath(new URL(`../../dist/${path}`, import.meta.url));
const read = (path: string) => readFileSync(dist(path), 'utf8');

describe('bundles', () => {
  it(`keeps dist/lifeline.js under ${BROTLI_BUDGET} bytes brotli`, () => {
    const { raw, gzip, brotli } = measure(BUNDLE);
    expect(brotli).toBeLessThan(BROTLI_BUDGET);
    expect(gzip).toBeLessThan(raw);
  });

  it.each(['lifeline.js', 'esm/index.js'])('%s is self-contained: no zod, no imports', (file) => {
    const code = read(file);
    expect(code).not.toMatch(/zod/i);
    expect(code).not.toMatch(/^\s*import\s/m);
    expect(code).not.toMatch(/\brequire\(/);
  });

  it('publishes types that do not depend on the unpublished protocol package', () => {
    for (const file of ['types/index.d.ts', 'types/options.d.ts']) expect(read(file)).not.toContain('@lifeline/protocol');
  });

  it('can be imported where there is no DOM, and does nothing until init (no side effects)', async () => {
    const sdk = (await import(dist('esm/index.js'))) as typeof import('../../src/index.js');
    expect(() => sdk.track('x')).not.toThrow();
    expect(sdk.captureError(new Error('x'))).toBeUndefined();
    expect(sdk.sessionId()).toBeUndefined();
    await expect(sdk.flush()).resolves.toBe(true);
  });

  it('reports the version in package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { name: string; version: string };
    expect({ name: SDK_NAME, version: SDK_VERSION }).toEqual({ name: pkg.name, version: pkg.version });
  });
});
