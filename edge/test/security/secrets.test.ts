import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { flagsFor } from '../../src/flags/stub';
import { app } from '../../src/index';
import { digestSecrets, matchSecret } from '../../src/secrets';
import { collectorStub, event, sdkBatch, type CollectorStep } from '../helpers';
import { newProject, settleAll } from '../flags/support';

afterEach(async () => {
  await settleAll();
  vi.restoreAllMocks();
});

describe('matchSecret, the one credential comparison', () => {
  const entries = [
    ['first-secret', 'a'],
    ['second-secret', 'b'],
    ['third-secret', 'c'],
  ] as const;

  it.each([
    { candidate: 'first-secret', found: 'a' },
    { candidate: 'third-secret', found: 'c' },
    { candidate: 'first-secre', found: undefined },
    { candidate: 'first-secret ', found: undefined },
    { candidate: '', found: undefined },
  ])('$candidate → $found, comparing every entry in constant time', async ({ candidate, found }) => {
    const known = await digestSecrets(entries);
    const compare = vi.spyOn(crypto.subtle, 'timingSafeEqual');
    expect(await matchSecret(candidate, known)).toBe(found);
    // Every entry, match or not, and only ever equal-length digests.
    expect(compare).toHaveBeenCalledTimes(entries.length);
    for (const [a, b] of compare.mock.calls) expect([(a as ArrayBuffer).byteLength, (b as ArrayBuffer).byteLength]).toEqual([32, 32]);
  });

  it.each([
    { label: 'an ingest key, on /v1/status', path: (p: ReturnType<typeof newProject>) => `/v1/status?key=${p.key}`, headers: () => ({}) },
    { label: 'an ops token, on /v1/flags', path: () => '/v1/flags', headers: (p: ReturnType<typeof newProject>) => ({ Authorization: `Bearer ${p.token}` }) },
  ])('is what checks $label: every configured credential is compared', async ({ path, headers }) => {
    collectorStub([200]);
    const p = newProject();
    const keys = p.vars.LIFELINE_KEYS.split(',').length;
    const tokens = p.vars.LIFELINE_OPS_TOKENS.split(',').length;
    const compare = vi.spyOn(crypto.subtle, 'timingSafeEqual');
    const res = await p.request(path(p), { headers: headers(p) });
    expect(res.status).toBe(200);
    expect(compare).toHaveBeenCalledTimes(path(p).startsWith('/v1/status') ? keys : tokens);
  });
});

describe('credentials never reach the logs', () => {
  const SECRETS = {
    opsToken: 'ops-token-7f3a9c1e5b2d4f6a8c0e',
    otherToken: 'ops-token-other-2b4d6f8a0c1e3f5a',
    expiredToken: 'ops-token-expired-9a8b7c6d5e4f3a2b',
    ingestKey: 'pk_live_logcheck_5e6f7a8b',
    collectorSecret: 'collector-secret-1a2b3c4d5e6f7a8b',
  };
  const vars = {
    ...env,
    LIFELINE_KEYS: `${SECRETS.ingestKey}:logs,pk_other:other`,
    LIFELINE_COLLECTOR_SECRET: SECRETS.collectorSecret,
    LIFELINE_OPS_TOKENS: `logs:alice:${SECRETS.opsToken},other:bob:${SECRETS.otherToken},logs:old:${SECRETS.expiredToken}:${Date.now() - 1}`,
  };

  /** Everything the worker writes to the console while `run` runs. */
  async function captured(run: () => Promise<void>): Promise<string> {
    const lines: string[] = [];
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(' ')));
    }
    await run();
    return lines.join('\n');
  }

  const send = async (path: string, init: RequestInit = {}, config: object = vars) => {
    const res = await app.request(path, init, config);
    await res.body?.cancel();
  };
  const post = (body: unknown) => send('/v1/events', { method: 'POST', body: JSON.stringify(body) });
  const ops = (token: string, path = '/v1/flags', init: RequestInit = {}) => send(path, { ...init, headers: { Authorization: `Bearer ${token}` } });

  it.each<{ label: string; collector: CollectorStep[] }>([
    { label: 'the collector accepting', collector: [200] },
    { label: 'the collector refusing the secret', collector: [401] },
    { label: 'the collector failing', collector: [503, 'network-error'] },
    { label: 'the collector refusing the batch', collector: [400] },
  ])('with $label, through every endpoint and every credential', async ({ collector }) => {
    collectorStub(collector);
    const out = await captured(async () => {
      await post(sdkBatch([event('error')], { key: SECRETS.ingestKey }));
      await post(sdkBatch([event()], { key: SECRETS.opsToken }));
      await post(sdkBatch([event()], { key: SECRETS.collectorSecret }));
      await post(sdkBatch([{ kind: 'nope' }], { key: SECRETS.ingestKey }));
      await send(`/v1/status?key=${SECRETS.ingestKey}`);
      await send(`/v1/status?key=${SECRETS.otherToken}`);
      await ops(SECRETS.opsToken);
      await ops(SECRETS.opsToken, '/v1/flags/checkout', { method: 'PUT', body: '{"state":"down","message":"x"}' });
      await ops(SECRETS.opsToken, '/v1/flags/checkout', { method: 'DELETE' });
      await ops(SECRETS.opsToken, '/v1/flags/checkout', { method: 'PUT', body: 'not json' });
      await ops(SECRETS.otherToken, '/v1/flags?project=logs');
      await ops(SECRETS.expiredToken);
      await ops(SECRETS.ingestKey);
      await ops(SECRETS.collectorSecret);
      // A broken config is logged too; its message names the var, never a value.
      await send('/v1/flags', { headers: { Authorization: `Bearer ${SECRETS.opsToken}` } }, { ...vars, LIFELINE_OPS_TOKENS: `${vars.LIFELINE_OPS_TOKENS},x:y:${SECRETS.opsToken}` });
      // The flag events' delivery logs too.
      await flagsFor(env, 'logs').settle();
    });
    // The battery did reach the code that logs: changes, and the broken config.
    expect(out).toContain('flag changed');
    expect(out).toContain('misconfigured');
    for (const secret of Object.values(SECRETS)) expect(out).not.toContain(secret);
  });
});
