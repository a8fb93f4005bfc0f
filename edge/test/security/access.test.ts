import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ErrorResponse } from '@lifeline/protocol';
import { app } from '../../src/index';
import { collectorStub, event, ORIGIN, sdkBatch } from '../helpers';
import { newProject, settleAll } from '../flags/support';

beforeEach(() => void collectorStub([200]));
afterEach(async () => {
  await settleAll();
  vi.restoreAllMocks();
});

/** Credentials the edge must tell apart; each is a string the caller presents. */
type Credential =
  | 'none'
  | 'malformed'
  | "another project's"
  | 'an ingest key'
  | 'an ops token'
  | 'the collector secret'
  | 'a collector read token'
  | 'revoked'
  | 'expired'
  | 'right';

const COLLECTOR_SECRET = 'dev-collector-secret';
const READ_TOKEN = 'dev-read-token';

/**
 * Two projects on one edge, `mine` and `other`, plus credentials that must not work: a
 * token and a key removed from the config (revoked: the config before had them), an ops
 * token past its `until`.
 */
function world() {
  const mine = newProject();
  const other = newProject();
  const revokedKey = `pk_revoked_${mine.project}`;
  const revokedToken = `tok-revoked-${mine.project}`;
  const expiredToken = `tok-expired-${mine.project}`;
  const keys = `${mine.vars.LIFELINE_KEYS},${other.key}:${other.project}`;
  const tokens = `${mine.vars.LIFELINE_OPS_TOKENS},${other.project}:${other.actor}:${other.token},${mine.project}:old:${expiredToken}:${Date.now() - 1000}`;
  const now = { ...mine.vars, LIFELINE_KEYS: keys, LIFELINE_OPS_TOKENS: tokens };
  const before = { ...now, LIFELINE_KEYS: `${keys},${revokedKey}:${mine.project}`, LIFELINE_OPS_TOKENS: `${tokens},${mine.project}:gone:${revokedToken}` };
  return { mine, other, now, before, revokedKey, revokedToken, expiredToken };
}

type World = ReturnType<typeof world>;

interface Endpoint {
  label: string;
  kind: 'public' | 'ops';
  /** The request presenting `secret` the way this endpoint expects it (`undefined`: none; `malformed`: a broken form). */
  request(w: World, secret: string | undefined, malformed: boolean): Request;
}

const ingestBody = (key: unknown) => JSON.stringify(sdkBatch([event()], { key }));
const bearer = (secret: string | undefined, malformed: boolean): Record<string, string> =>
  secret === undefined ? {} : { Authorization: malformed ? `Bearer${secret}` : `Bearer ${secret}` };

const ENDPOINTS: Endpoint[] = [
  {
    label: 'POST /v1/events',
    kind: 'public',
    request: (_w, key, malformed) =>
      new Request('http://edge.test/v1/events', { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: ingestBody(malformed ? ` ${key}` : key) }),
  },
  { label: 'GET /v1/status', kind: 'public', request: (_w, key, malformed) => new Request(`http://edge.test/v1/status${key === undefined ? '' : `?key=${malformed ? `%20${key}` : key}`}`) },
  {
    label: 'GET /v1/status/stream',
    kind: 'public',
    request: (_w, key, malformed) => new Request(`http://edge.test/v1/status/stream${key === undefined ? '' : `?key=${malformed ? `${key}%00` : key}`}`),
  },
  { label: 'GET /v1/flags', kind: 'ops', request: (w, t, m) => new Request(`http://edge.test/v1/flags?project=${w.mine.project}`, { headers: bearer(t, m) }) },
  {
    label: 'PUT /v1/flags/checkout',
    kind: 'ops',
    request: (w, t, m) => new Request(`http://edge.test/v1/flags/checkout?project=${w.mine.project}`, { method: 'PUT', headers: bearer(t, m), body: '{"state":"down","message":"x"}' }),
  },
  { label: 'DELETE /v1/flags/checkout', kind: 'ops', request: (w, t, m) => new Request(`http://edge.test/v1/flags/checkout?project=${w.mine.project}`, { method: 'DELETE', headers: bearer(t, m) }) },
  { label: 'GET /v1/flags/history', kind: 'ops', request: (w, t, m) => new Request(`http://edge.test/v1/flags/history?project=${w.mine.project}`, { headers: bearer(t, m) }) },
  { label: 'GET /v1/flags/stream', kind: 'ops', request: (w, t, m) => new Request(`http://edge.test/v1/flags/stream?project=${w.mine.project}`, { headers: bearer(t, m) }) },
];

/** What each credential is on each kind of endpoint, and the answer it must get. */
const EXPECTED: Record<Credential, { public: [number, string?]; ops: [number, string?]; present(w: World, kind: 'public' | 'ops'): string | undefined }> = {
  none: { public: [401, 'missing_key'], ops: [401, 'missing_token'], present: () => undefined },
  malformed: { public: [403, 'unknown_key'], ops: [401, 'missing_token'], present: (w, kind) => (kind === 'public' ? w.mine.key : w.mine.token) },
  // A public key names its project: another project's key is answered for that project
  // (checked below), never for mine. The ops API names its project with ?project=.
  "another project's": { public: [200], ops: [403, 'wrong_project'], present: (w, kind) => (kind === 'public' ? w.other.key : w.other.token) },
  'an ingest key': { public: [200], ops: [403, 'unknown_token'], present: (w) => w.mine.key },
  'an ops token': { public: [403, 'unknown_key'], ops: [200], present: (w) => w.mine.token },
  'the collector secret': { public: [403, 'unknown_key'], ops: [403, 'unknown_token'], present: () => COLLECTOR_SECRET },
  'a collector read token': { public: [403, 'unknown_key'], ops: [403, 'unknown_token'], present: () => READ_TOKEN },
  revoked: { public: [403, 'unknown_key'], ops: [403, 'unknown_token'], present: (w, kind) => (kind === 'public' ? w.revokedKey : w.revokedToken) },
  expired: { public: [403, 'unknown_key'], ops: [403, 'expired_token'], present: (w) => w.expiredToken },
  right: { public: [200], ops: [200], present: (w, kind) => (kind === 'public' ? w.mine.key : w.mine.token) },
};

const CASES = ENDPOINTS.flatMap((endpoint) =>
  (Object.keys(EXPECTED) as Credential[]).map((credential) => {
    const [status, error] = EXPECTED[credential][endpoint.kind];
    return { endpoint, credential, status, error: error ?? '', label: endpoint.label };
  }),
);

/** 2xx of any kind counts as let in: 202 for events, 200 elsewhere. */
const passed = (status: number) => status >= 200 && status < 300;

describe('authorization matrix: every endpoint × every credential', () => {
  it.each(CASES)('$label with $credential credential → $status $error', async ({ endpoint, credential, status, error }) => {
    const w = world();
    const secret = EXPECTED[credential].present(w, endpoint.kind);
    const res = await app.fetch(endpoint.request(w, secret, credential === 'malformed'), w.now);
    if (passed(status)) {
      expect(passed(res.status)).toBe(true);
      await res.body?.cancel();
    } else {
      expect(res.status).toBe(status);
      const answer = ErrorResponse.parse(await res.json());
      if (error) expect(answer.error).toBe(error);
      expect(answer.reason.length).toBeGreaterThan(0);
      if (secret) expect(JSON.stringify(answer)).not.toContain(secret);
    }
    // Nothing of mine changed unless the right credential was used.
    if (endpoint.kind === 'ops' && !(credential === 'right' || credential === 'an ops token')) {
      const history = await w.mine.stub.history(w.mine.project, 10);
      expect(history.history).toEqual([]);
    }
  });

  it.each(ENDPOINTS.filter((e) => e.kind === 'public'))('$label: another project’s key is answered for that project only', async (endpoint) => {
    const { calls } = collectorStub([200]);
    const w = world();
    const res = await app.fetch(endpoint.request(w, w.other.key, false), w.now);
    expect(passed(res.status)).toBe(true);
    if (endpoint.label === 'POST /v1/events') {
      expect(calls.flatMap((c) => c.body.events).map((e) => e.project)).toEqual([w.other.project]);
    } else if (endpoint.label === 'GET /v1/status') {
      expect(((await res.json()) as { project: string }).project).toBe(w.other.project);
    } else {
      const reader = res.body!.getReader();
      const first = new TextDecoder().decode((await reader.read()).value);
      await reader.cancel();
      expect(first).toContain(`"project":"${w.other.project}"`);
    }
  });

  it.each(['revoked', 'expired'] as const)('a %s ops token worked before and is refused now', async (which) => {
    const w = world();
    const token = which === 'revoked' ? w.revokedToken : w.expiredToken;
    const config = which === 'revoked' ? w.before : { ...w.now, LIFELINE_OPS_TOKENS: w.now.LIFELINE_OPS_TOKENS.replace(/:\d{13}(?=,|$)/, `:${Date.now() + 60_000}`) };
    const headers = { Authorization: `Bearer ${token}` };
    expect((await app.request('/v1/flags', { headers }, config)).status).toBe(200);
    expect((await app.request('/v1/flags', { headers }, w.now)).status).toBe(403);
  });

  it('a revoked ingest key worked before and is refused now', async () => {
    const w = world();
    expect((await app.request(`/v1/status?key=${w.revokedKey}`, {}, w.before)).status).toBe(200);
    expect((await app.request(`/v1/status?key=${w.revokedKey}`, {}, w.now)).status).toBe(403);
  });
});

describe('CORS: ingest and status are open to browsers, flags are not', () => {
  const PUBLIC = [
    { path: '/v1/events', method: 'POST' },
    { path: '/v1/status', method: 'GET' },
    { path: '/v1/status/stream', method: 'GET' },
  ];
  const OPS = [
    { path: '/v1/flags', method: 'GET' },
    { path: '/v1/flags/checkout', method: 'PUT' },
    { path: '/v1/flags/checkout', method: 'DELETE' },
    { path: '/v1/flags/history', method: 'GET' },
    { path: '/v1/flags/stream', method: 'GET' },
  ];
  const preflight = (path: string, method: string, vars: object) =>
    app.request(path, { method: 'OPTIONS', headers: { Origin: ORIGIN, 'Access-Control-Request-Method': method, 'Access-Control-Request-Headers': 'authorization,content-type' } }, vars);

  it.each(PUBLIC)('$method $path grants a preflight', async ({ path, method }) => {
    const res = await preflight(path, method, world().now);
    expect(res.status).toBe(204);
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe('*');
    expect(res.headers.get('Access-Control-Allow-Credentials')).toBeNull();
  });

  it.each(OPS)('$method $path refuses a preflight, whatever the token', async ({ path, method }) => {
    const res = await preflight(path, method, world().now);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.headers.get('Access-Control-Allow-Origin')).toBeNull();
    expect(res.headers.get('Access-Control-Allow-Methods')).toBeNull();
    expect(res.headers.get('Access-Control-Allow-Headers')).toBeNull();
  });

  it.each(OPS)('$method $path answers a browser origin with no CORS header, even when allowed in', async ({ path, method }) => {
    const w = world();
    const res = await app.request(path, { method, headers: { Origin: ORIGIN, Authorization: `Bearer ${w.mine.token}` }, ...(method === 'PUT' ? { body: '{"state":"degraded"}' } : {}) }, w.now);
    expect(res.status).toBe(200);
    await res.body?.cancel();
    for (const [name] of res.headers) expect(name.toLowerCase().startsWith('access-control-')).toBe(false);
  });
});
