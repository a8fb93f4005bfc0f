import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BROTLI_BUDGET, BUNDLE, VITALS_BROTLI_BUDGET, VITALS_BUNDLE, measure } from '../../scripts/size.mjs';
import { SDK_NAME, SDK_VERSION } from '../../src/version.js';

const dist = (path: string) => fileURLToPath(new URL(`../../dist/${path}`, import.meta.url));
const read = (path: string) => readFileSync(dist(path), 'utf8');
/** The ESM build's files, chunks included. */
const esmFiles = () =>
  (readdirSync(dist('esm'), { recursive: true }) as string[]).filter((f) => f.endsWith('.js')).map((f) => f.replaceAll('\\', '/'));

describe('bundles', () => {
  it(`keeps dist/lifeline.js within ${BROTLI_BUDGET} bytes brotli`, () => {
    const { raw, gzip, brotli } = measure(BUNDLE);
    expect(brotli).toBeLessThanOrEqual(BROTLI_BUDGET);
    expect(gzip).toBeLessThan(raw);
  });

  it(`keeps dist/lifeline-vitals.js within ${VITALS_BROTLI_BUDGET} bytes brotli`, () => {
    expect(measure(VITALS_BUNDLE).brotli).toBeLessThanOrEqual(VITALS_BROTLI_BUDGET);
  });

  it('puts web-vitals in lifeline-vitals.js only', () => {
    // web-vitals' own names for its metrics' entry types, which the SDK's code never spells.
    expect(read('lifeline-vitals.js')).toContain('layout-shift');
    expect(read('lifeline.js')).not.toContain('layout-shift');
  });

  it.each(['lifeline.js', 'lifeline-vitals.js'])('%s is self-contained: no zod, no imports', (file) => {
    const code = read(file);
    expect(code).not.toMatch(/zod/i);
    expect(code).not.toMatch(/^\s*import\s/m);
    expect(code).not.toMatch(/\brequire\(/);
  });

  it.each(esmFiles())('esm/%s imports only its own chunks and web-vitals, never zod', (file) => {
    const code = read(`esm/${file}`);
    expect(code).not.toMatch(/zod/i);
    expect(code).not.toMatch(/\brequire\(/);
    const imported = [...code.matchAll(/^(?:import|export)\b[^'"]*from\s*['"]([^'"]+)['"]/gm)].map((m) => m[1]);
    for (const specifier of imported) expect(specifier).toMatch(/^(\.\.?\/|web-vitals$)/);
  });

  it('publishes types that do not depend on the unpublished protocol package', () => {
    for (const file of ['types/index.d.ts', 'types/options.d.ts', 'types/vitals.d.ts', 'types/network.d.ts']) {
      expect(read(file)).not.toContain('@lifeline/protocol');
    }
  });

  it('maps every subpath export to a built file', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      sideEffects: boolean;
      exports: Record<string, string | Record<string, string>>;
    };
    expect(pkg.sideEffects).toBe(false);
    expect(Object.keys(pkg.exports)).toEqual(['.', './vitals', './network', './lifeline.js', './lifeline-vitals.js']);
    for (const target of Object.values(pkg.exports).flatMap((t) => (typeof t === 'string' ? [t] : Object.values(t)))) {
      expect(existsSync(fileURLToPath(new URL(`../../${target}`, import.meta.url)))).toBe(true);
    }
  });

  it('can be imported where there is no DOM, and does nothing until init (no side effects)', async () => {
    const sdk = (await import(dist('esm/index.js'))) as typeof import('../../src/index.js');
    expect(() => sdk.track('x')).not.toThrow();
    expect(() => sdk.identify('u')).not.toThrow();
    expect(() => sdk.consent(false)).not.toThrow();
    expect(sdk.captureError(new Error('x'))).toBeUndefined();
    expect(sdk.sessionId()).toBeUndefined();
    expect(sdk.lastRequestId()).toBeUndefined();
    await expect(sdk.flush()).resolves.toBe(true);
    const { vitalsCapture } = (await import(dist('esm/vitals.js'))) as typeof import('../../src/vitals.js');
    const { networkCapture } = (await import(dist('esm/network.js'))) as typeof import('../../src/network.js');
    expect([vitalsCapture().name, networkCapture().name]).toEqual(['vitals', 'network']);
  });

  it('reports the version in package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { name: string; version: string };
    expect({ name: SDK_NAME, version: SDK_VERSION }).toEqual({ name: pkg.name, version: pkg.version });
  });
});
