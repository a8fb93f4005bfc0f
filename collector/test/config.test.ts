import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_DATA_DIR, loadConfig } from '../src/config';

const base = { LIFELINE_COLLECTOR_SECRET: 'edge-secret', LIFELINE_READ_TOKENS: 'demo:rt_demo, other : rt_other' };

describe('loadConfig', () => {
  it('reads defaults: 127.0.0.1:4000, embedded chDB under the repo, 400 days, 10000 rows / 200 ms', () => {
    const c = loadConfig(base);
    expect(c).toMatchObject({ host: '127.0.0.1', port: 4000, retentionDays: 400, batchMaxRows: 10_000, batchMaxWaitMs: 200 });
    expect(c.storage).toEqual({ kind: 'chdb', path: DEFAULT_DATA_DIR, database: 'lifeline' });
    expect(DEFAULT_DATA_DIR).toMatch(/\.data\/chdb$/);
    expect([...c.readTokens]).toEqual([['rt_demo', 'demo'], ['rt_other', 'other']]);
  });

  it('uses a ClickHouse server when CLICKHOUSE_URL is set', () => {
    const c = loadConfig({ ...base, CLICKHOUSE_URL: 'http://ch:8123', CLICKHOUSE_USER: 'u', CLICKHOUSE_PASSWORD: 'p', CLICKHOUSE_DATABASE: 'obs' });
    expect(c.storage).toEqual({ kind: 'server', url: 'http://ch:8123', username: 'u', password: 'p', database: 'obs' });
  });

  it.each([
    ['no secret', { LIFELINE_COLLECTOR_SECRET: '' }, /LIFELINE_COLLECTOR_SECRET is required/],
    ['no read tokens', { LIFELINE_READ_TOKENS: ' ' }, /LIFELINE_READ_TOKENS is required/],
    ['a token without project', { LIFELINE_READ_TOKENS: 'rt_demo' }, /entry 1 is not project:token/],
    ['an empty token', { LIFELINE_READ_TOKENS: 'demo:rt,other:' }, /entry 2 is not project:token/],
    ['a repeated token', { LIFELINE_READ_TOKENS: 'a:rt,b:rt' }, /entry 2 repeats a token/],
    ['the secret as a read token', { LIFELINE_READ_TOKENS: 'demo:edge-secret' }, /must not reuse/],
    ['a bad port', { LIFELINE_COLLECTOR_PORT: '70000' }, /LIFELINE_COLLECTOR_PORT/],
    ['a bad retention', { LIFELINE_RETENTION_DAYS: '0' }, /LIFELINE_RETENTION_DAYS/],
    ['a database name that is not an identifier', { CLICKHOUSE_DATABASE: 'a;drop' }, /CLICKHOUSE_DATABASE/],
    ['a non-http ClickHouse URL', { CLICKHOUSE_URL: 'tcp://ch:9000' }, /CLICKHOUSE_URL/],
  ])('refuses %s', (_why, env, message) => {
    expect(() => loadConfig({ ...base, ...env })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, ...env })).toThrow(message);
  });

  it('never echoes a token in its messages', () => {
    expect(() => loadConfig({ ...base, LIFELINE_READ_TOKENS: 'rt_very_secret' })).not.toThrow(/rt_very_secret/);
  });
});
