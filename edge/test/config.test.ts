import { describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config';
import type { Vars } from '../src/env';
import { projectForKey } from '../src/keys';

const vars: Vars = {
  LIFELINE_KEYS: 'pk_demo:demo, pk_shop:shop ,',
  LIFELINE_COLLECTOR_URL: 'http://127.0.0.1:4000/',
  LIFELINE_COLLECTOR_SECRET: 'secret',
  LIFELINE_ALLOWED_ORIGINS: 'https://a.example,https://b.example',
  LIFELINE_FEATURES: 'checkout, payments',
};

describe('parseConfig', () => {
  it('parses the vars', () => {
    const config = parseConfig(vars);
    expect([...config.keys]).toEqual([
      ['pk_demo', 'demo'],
      ['pk_shop', 'shop'],
    ]);
    expect(config.collectorUrl).toBe('http://127.0.0.1:4000');
    expect(config.allowedOrigins).toEqual(['https://a.example', 'https://b.example']);
    expect(config.features).toEqual(['checkout', 'payments']);
  });

  it.each([
    { value: '*', expected: '*' },
    { value: '', expected: '*' },
    { value: 'https://a.example,*', expected: '*' },
  ])('LIFELINE_ALLOWED_ORIGINS="$value" → $expected', ({ value, expected }) => {
    expect(parseConfig({ ...vars, LIFELINE_ALLOWED_ORIGINS: value }).allowedOrigins).toBe(expected);
  });

  it.each([
    { label: 'no keys', patch: { LIFELINE_KEYS: '' }, message: 'LIFELINE_KEYS' },
    { label: 'a key without project', patch: { LIFELINE_KEYS: 'pk_demo:demo,pk_x:' }, message: 'LIFELINE_KEYS entry 2' },
    { label: 'a bad collector URL', patch: { LIFELINE_COLLECTOR_URL: 'nope' }, message: 'LIFELINE_COLLECTOR_URL' },
    { label: 'an empty secret', patch: { LIFELINE_COLLECTOR_SECRET: '' }, message: 'LIFELINE_COLLECTOR_SECRET' },
    { label: 'a bad feature', patch: { LIFELINE_FEATURES: 'Checkout' }, message: 'LIFELINE_FEATURES' },
    { label: 'an ops token without label', patch: { LIFELINE_OPS_TOKENS: 'demo:tok' }, message: 'LIFELINE_OPS_TOKENS entry 1' },
    { label: 'an ops token with an empty token', patch: { LIFELINE_OPS_TOKENS: 'demo:a:t1,demo:b:' }, message: 'LIFELINE_OPS_TOKENS entry 2' },
    { label: 'two ops entries sharing a token', patch: { LIFELINE_OPS_TOKENS: 'demo:a:same,shop:b:same' }, message: 'entries 1 and 2 share a token' },
  ])('refuses $label', ({ patch, message }) => {
    expect(() => parseConfig({ ...vars, ...patch })).toThrow(message);
  });
});

describe('LIFELINE_OPS_TOKENS', () => {
  it('parses project:label:token triples; the token may contain colons', () => {
    const config = parseConfig({ ...vars, LIFELINE_OPS_TOKENS: 'demo:dev-ops:dev-ops-token, shop:on-call:a:b:c' });
    expect(config.opsTokens).toEqual([
      { project: 'demo', label: 'dev-ops', token: 'dev-ops-token' },
      { project: 'shop', label: 'on-call', token: 'a:b:c' },
    ]);
  });

  it('reads a trailing 13-digit field as the token\'s expiry, in epoch milliseconds', () => {
    const config = parseConfig({ ...vars, LIFELINE_OPS_TOKENS: 'demo:a:tok-1:1767225600000, shop:b:x:y:1234, shop:c:z:17672256000001' });
    expect(config.opsTokens).toEqual([
      { project: 'demo', label: 'a', token: 'tok-1', until: 1767225600000 },
      { project: 'shop', label: 'b', token: 'x:y:1234' },
      { project: 'shop', label: 'c', token: 'z:17672256000001' },
    ]);
  });

  it('is empty when unset, which keeps the ops API closed', () => {
    expect(parseConfig(vars).opsTokens).toEqual([]);
  });

  it('never puts a token into its error message', () => {
    expect(() => parseConfig({ ...vars, LIFELINE_OPS_TOKENS: 'demo:a:secret-one,demo:b:secret-one' })).toThrow(/^(?!.*secret-one)/);
  });
});

describe('projectForKey', () => {
  const config = parseConfig(vars);
  it.each([
    { key: 'pk_demo', project: 'demo' },
    { key: 'pk_shop', project: 'shop' },
    { key: 'pk_demo ', project: undefined },
    { key: 'pk_dem', project: undefined },
    { key: 'PK_DEMO', project: undefined },
    { key: 'x'.repeat(5000), project: undefined },
  ])('$key → $project', async ({ key, project }) => {
    expect(await projectForKey(config, key)).toBe(project);
  });
});
