import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_DATA_DIR, DEFAULT_SPOOL_DIR, defaultSpoolDir, loadConfig } from '../src/config';

const base = { LIFELINE_COLLECTOR_SECRET: 'edge-secret', LIFELINE_READ_TOKENS: 'demo:rt_demo, other : rt_other' };

describe('loadConfig', () => {
  it('reads defaults: 127.0.0.1:4000, embedded chDB under the repo, 400 days, 50000 rows / 200 ms, spool beside chDB', () => {
    const c = loadConfig(base);
    expect(c).toMatchObject({
      host: '127.0.0.1',
      port: 4000,
      retentionDays: 400,
      batchMaxRows: 50_000,
      batchMaxWaitMs: 200,
      bufferMaxRows: 200_000,
      insertTimeoutMs: 10_000,
      spoolMaxBytes: 1024 ** 3,
    });
    expect(c.storage).toEqual({ kind: 'chdb', path: DEFAULT_DATA_DIR, database: 'lifeline' });
    expect(DEFAULT_DATA_DIR).toMatch(/\.data\/chdb$/);
    expect(c.spoolDir).toBe(DEFAULT_SPOOL_DIR);
    expect(DEFAULT_SPOOL_DIR).toMatch(/\.data\/spool$/);
    expect([...c.readTokens]).toEqual([['rt_demo', 'demo'], ['rt_other', 'other']]);
    expect(c.ingestTokens.size).toBe(0);
  });

  it('puts the spool beside, never inside, the chDB directory', () => {
    expect(defaultSpoolDir('/srv/lifeline/chdb')).toBe('/srv/lifeline/spool');
    expect(defaultSpoolDir('/var/lib/lifeline')).toBe('/var/lib/lifeline-spool');
    expect(loadConfig({ ...base, LIFELINE_DATA_DIR: '/tmp/x' }).spoolDir).toBe('/tmp/x-spool');
    expect(loadConfig({ ...base, LIFELINE_SPOOL_DIR: '/disk2/spool' }).spoolDir).toBe('/disk2/spool');
    expect(loadConfig({ ...base, CLICKHOUSE_URL: 'http://ch:8123' }).spoolDir).toBe(DEFAULT_SPOOL_DIR);
  });

  it('reads ingest tokens, limits and a cluster', () => {
    const c = loadConfig({
      ...base,
      LIFELINE_INGEST_TOKENS: 'demo:dev-ingest-token',
      LIFELINE_BUFFER_MAX_ROWS: '500000',
      LIFELINE_SPOOL_MAX_BYTES: String(2 * 1024 ** 3),
      LIFELINE_INSERT_TIMEOUT_MS: '30000',
      CLICKHOUSE_URL: 'http://ch:8123',
      CLICKHOUSE_CLUSTER: 'lifeline',
    });
    expect([...c.ingestTokens]).toEqual([['dev-ingest-token', 'demo']]);
    expect(c).toMatchObject({ bufferMaxRows: 500_000, spoolMaxBytes: 2 * 1024 ** 3, insertTimeoutMs: 30_000 });
    expect(c.storage).toEqual({ kind: 'server', url: 'http://ch:8123', database: 'lifeline', cluster: 'lifeline' });
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
    ['a malformed ingest token', { LIFELINE_INGEST_TOKENS: 'demo' }, /LIFELINE_INGEST_TOKENS entry 1 is not project:token/],
    ['an ingest token that is a read token', { LIFELINE_INGEST_TOKENS: 'demo:rt_demo' }, /must not reuse/],
    ['an ingest token that is the secret', { LIFELINE_INGEST_TOKENS: 'demo:edge-secret' }, /must not reuse/],
    ['a cluster without a server', { CLICKHOUSE_CLUSTER: 'c1' }, /CLICKHOUSE_CLUSTER needs CLICKHOUSE_URL/],
    ['a cluster name that is not an identifier', { CLICKHOUSE_URL: 'http://ch:8123', CLICKHOUSE_CLUSTER: 'a b' }, /CLICKHOUSE_CLUSTER must be/],
    ['a buffer smaller than a batch', { LIFELINE_BUFFER_MAX_ROWS: '10', LIFELINE_BATCH_MAX_ROWS: '100' }, /LIFELINE_BUFFER_MAX_ROWS must be at least/],
    ['a tiny spool', { LIFELINE_SPOOL_MAX_BYTES: '1000' }, /LIFELINE_SPOOL_MAX_BYTES/],
    ['a spool inside the chDB directory', { LIFELINE_DATA_DIR: '/srv/chdb', LIFELINE_SPOOL_DIR: '/srv/chdb/spool' }, /must not be the chDB data directory or inside it/],
    ['the chDB directory as the spool', { LIFELINE_DATA_DIR: '/srv/chdb', LIFELINE_SPOOL_DIR: '/srv/chdb/' }, /must not be the chDB data directory/],
  ])('refuses %s', (_why, env, message) => {
    expect(() => loadConfig({ ...base, ...env })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, ...env })).toThrow(message);
  });

  it('never echoes a token in its messages', () => {
    expect(() => loadConfig({ ...base, LIFELINE_READ_TOKENS: 'rt_very_secret' })).not.toThrow(/rt_very_secret/);
  });
});
