import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi, type MockInstance } from 'vitest';
import { createObservability } from '../../src/alerts/observability';
import { ConfigError } from '../../src/config';
import { silentLogger } from '../../src/log';
import { createQueryService } from '../../src/query/service';
import { eventToRow } from '../../src/storage/event-row';
import { insertEvents } from '../../src/storage/insert-events';
import { buildDashboardIfStale } from '../dashboard/support';
import { MIN, NOW, startReceiver, tracked } from '../alerts/support';
import { countEvents, removeTree, testConfig } from '../helpers';
import { ALL_SECRETS, CREDS, ENDPOINTS, PROJECT_MARKER, REVOKED, openSecurityCollector, requestFor, securityEnv, sharedEvents, type Endpoint, type Kind } from './support';

/**
 * Who may call what: every collector endpoint × every kind of credential. Only the right
 * credential gets in (a read or ingest token of another project gets in for that project
 * only); refusals are 401 without a usable credential and 403 with a wrong one, always
 * with `error` and `reason`; no credential is ever echoed in an answer or written to the
 * log; and a refused write leaves storage and alerting as they were.
 */

type Credential =
  | 'none'
  | 'malformed'
  | 'in the URL'
  | "another project's"
  | 'the collector secret'
  | 'a read token'
  | 'an ingest token'
  | 'the admin token'
  | 'the metrics token'
  | 'revoked'
  | 'right';

/** The credential each kind of endpoint takes (for project `demo`). */
const RIGHT: Record<Exclude<Kind, 'public'>, string> = {
  secret: CREDS.secret,
  read: CREDS.read.demo,
  ingest: CREDS.ingest.demo,
  admin: CREDS.admin,
  metrics: CREDS.metrics,
};

const WRONG_KINDS: [Credential, Exclude<Kind, 'public'>][] = [
  ['the collector secret', 'secret'],
  ['a read token', 'read'],
  ['an ingest token', 'ingest'],
  ['the admin token', 'admin'],
  ['the metrics token', 'metrics'],
];

interface Case {
  label: string;
  endpoint: Endpoint;
  credential: Credential;
  /** Headers sent; the token in the URL goes into `path`. */
  headers: Record<string, string>;
  path: string;
  /** 2xx, or the refusal. */
  expect: { pass: true; project?: 'demo' | 'other' } | { pass: false; status: 401 | 403; error: 'unauthorized' | 'forbidden' };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const refused401 = { pass: false, status: 401, error: 'unauthorized' } as const;
const refused403 = { pass: false, status: 403, error: 'forbidden' } as const;

function casesOf(endpoint: Endpoint): Case[] {
  const label = `${endpoint.method} ${endpoint.path.split('?')[0]}`;
  const make = (credential: Credential, headers: Record<string, string>, expected: Case['expect'], path = endpoint.path): Case => ({ label, endpoint, credential, headers, path, expect: expected });
  if (endpoint.kind === 'public') {
    // Public by design: every credential is ignored, none is needed.
    return [
      make('none', {}, { pass: true }),
      make('malformed', { authorization: `Bearer${CREDS.read.demo}` }, { pass: true }),
      ...WRONG_KINDS.map(([credential, kind]) => make(credential, bearer(RIGHT[kind]), { pass: true })),
    ];
  }
  const kind = endpoint.kind;
  const right = RIGHT[kind];
  const withToken = `${endpoint.path}${endpoint.path.includes('?') ? '&' : '?'}access_token=${right}&token=${right}`;
  const cases: Case[] = [
    make('none', {}, refused401),
    make('malformed', { authorization: `Bearer${right}` }, refused401),
    make('in the URL', {}, refused401, withToken),
  ];
  if (kind === 'read') cases.push(make("another project's", bearer(CREDS.read.other), { pass: true, project: 'other' }));
  if (kind === 'ingest') cases.push(make("another project's", bearer(CREDS.ingest.other), { pass: true, project: 'other' }));
  for (const [credential, k] of WRONG_KINDS) if (k !== kind) cases.push(make(credential, bearer(RIGHT[k]), refused403));
  cases.push(make('revoked', bearer(REVOKED[kind]), refused403));
  cases.push(make('right', bearer(right), { pass: true, project: 'demo' }));
  return cases;
}

const CASES = ENDPOINTS.flatMap(casesOf);

/** Endpoints whose answer carries the seeded data, so the project's own marker must show. */
const SHOWS_DATA = new Set(['/v1/timeline', '/v1/query/search', '/v1/query/errors', '/v1/query/timeline', '/v1/dashboard/flags', '/v1/dashboard/annotations']);

const rulesDir = mkdtempSync(join(tmpdir(), 'lifeline-security-rules-'));
const rulesFile = join(rulesDir, 'alerts.json');
const rule = (id: string) => ({ id, kind: 'threshold', source: 'events', metric: 'count', op: 'above', value: 0, severity: 'critical', filter: { event: 'boom' } });
const writeRules = (url: string, ids: string[]) =>
  writeFileSync(rulesFile, JSON.stringify({ project: 'demo', channels: { hook: { type: 'webhook', url, retries: 0 } }, defaults: { channels: ['hook'] }, rules: ids.map(rule) }));

let s: Awaited<ReturnType<typeof openSecurityCollector>>;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
/** What each retired credential got while the collector was still configured with it. */
const beforeRestart: Record<string, number> = {};
/** Everything written to the console or the standard streams while the matrix ran. */
const spies: MockInstance[] = [];
const printed = () => spies.flatMap((spy) => spy.mock.calls.map((args) => args.map(String).join(' ')));

beforeAll(async () => {
  buildDashboardIfStale();
  for (const m of ['log', 'info', 'warn', 'error', 'debug'] as const) spies.push(vi.spyOn(console, m));
  spies.push(vi.spyOn(process.stdout, 'write'), vi.spyOn(process.stderr, 'write'));

  // The webhook refuses the first notification (so it becomes a dead letter) and takes the rest.
  receiver = await startReceiver((_req, i) => (i === 0 ? 500 : 200));
  writeRules(receiver.url, ['boom']);

  // Before: the collector is configured with the credentials about to be retired, and they work.
  s = await openSecurityCollector({ revoked: true, rulesFile });
  const app = () => s.collector.app;
  const tries: [string, Endpoint, string][] = [
    ['secret', ENDPOINTS.find((e) => e.path === '/v1/batch')!, REVOKED.secret],
    ['read', ENDPOINTS.find((e) => e.path === '/v1/dashboard/session')!, REVOKED.read],
    ['ingest', ENDPOINTS.find((e) => e.path === '/v1/logs')!, REVOKED.ingest],
    ['admin', ENDPOINTS.find((e) => e.path === '/v1/alerts/reload')!, REVOKED.admin],
    ['metrics', ENDPOINTS.find((e) => e.path === '/metrics')!, REVOKED.metrics],
  ];
  for (const [kind, endpoint, token] of tries) {
    const res = await app().request(...requestFor(endpoint, bearer(token)));
    beforeRestart[kind] = res.status;
    await res.body?.cancel();
  }

  // Restarted without them: this collector is the one the matrix runs against.
  await s.reopen({ rulesFile });
  await insertEvents(s.collector.storage, [...sharedEvents(NOW - 30 * MIN), tracked(NOW - MIN, 'boom')].map(eventToRow));
  await s.collector.alerting.evaluate(NOW);
  await s.collector.alerting.flush();
  // A second rule on disk: a reload that gets in puts it in force, one that is refused does not.
  writeRules(receiver.url, ['boom', 'boom-again']);
});

afterAll(async () => {
  for (const spy of spies) spy.mockRestore();
  await s?.close();
  await receiver?.close();
  removeTree(rulesDir);
});

/** What a write may change: events per project, pending dead letters, webhook calls, rules in force. */
async function state() {
  const c = s.collector;
  return {
    demo: await countEvents(c.storage, { project: 'demo' }),
    other: await countEvents(c.storage, { project: 'other' }),
    pending: (await c.alerting.deadLetters('demo', 'pending')).length,
    webhooks: receiver.received.length,
    rules: c.alerting.config.rules.length,
  };
}

describe('setup', () => {
  it('starts with a dead letter pending and one rule in force', async () => {
    expect(await state()).toMatchObject({ pending: 1, webhooks: 1, rules: 1 });
  });

  it.each(Object.keys(REVOKED))('the retired %s credential worked while it was configured', (kind) => {
    expect(beforeRestart[kind]).toBe(200);
  });
});

describe('authorization matrix: every endpoint × every credential', () => {
  it.each(CASES)('$label with $credential credential', async (c) => {
    const before = c.endpoint.write ? await state() : undefined;
    const [, init] = requestFor(c.endpoint, c.headers);
    const res = await s.collector.app.request(c.path, init);
    const text = await res.text();

    // No credential in the answer, wherever it came from.
    for (const secret of ALL_SECRETS) {
      expect(text).not.toContain(secret);
      for (const [name, value] of res.headers) expect(`${name}: ${value}`).not.toContain(secret);
    }

    if (!c.expect.pass) {
      expect(res.status).toBe(c.expect.status);
      const body = JSON.parse(text) as { error?: unknown; reason?: unknown };
      expect(body.error).toBe(c.expect.error);
      expect(typeof body.reason === 'string' && body.reason.length > 5).toBe(true);
      if (res.status === 401) expect(res.headers.get('www-authenticate')).toBe('Bearer');
      if (before) expect(await state()).toEqual(before);
      return;
    }

    expect(res.status, text).toBeGreaterThanOrEqual(200);
    expect(res.status, text).toBeLessThan(300);
    const project = c.expect.project;
    if (c.endpoint.kind === 'read' && project) {
      const other = project === 'demo' ? 'other' : 'demo';
      expect((JSON.parse(text) as { project: string }).project).toBe(project);
      expect(text).not.toContain(PROJECT_MARKER[other]);
      expect(text).not.toContain(`"project":"${other}"`);
      if (SHOWS_DATA.has(c.endpoint.path.split('?')[0]!)) expect(text).toContain(PROJECT_MARKER[project]);
    }
    if (before) {
      const after = await state();
      const path = c.endpoint.path;
      if (path === '/v1/alerts/reload') expect(after).toEqual({ ...before, rules: 2 });
      else if (path === '/v1/alerts/dead-letter/replay') expect(after).toEqual({ ...before, pending: 0, webhooks: before.webhooks + 1 });
      else {
        // Stored under the token's project, and nowhere else.
        const other = project === 'demo' ? 'other' : 'demo';
        expect(after[project!]).toBe(before[project!] + 1);
        expect(after[other]).toBe(before[other]);
      }
    }
    if (c.endpoint.kind === 'public' && c.endpoint.path === '/dashboard/') expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    if (c.endpoint.kind === 'metrics') expect(text).toMatch(/^# (HELP|TYPE) lifeline_/m);
  });

  it('covers every route the collector serves', () => {
    const served = new Set(s.collector.app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${r.path}`));
    const covered = new Set(ENDPOINTS.map((e) => `${e.method} ${e.path.split('?')[0]}`));
    // The redirect to `/dashboard/` and the static assets are public like the page (see below).
    const elsewhere = new Set(['GET /dashboard', 'GET /dashboard/assets/:name']);
    expect([...served].filter((r) => !covered.has(r) && !elsewhere.has(r))).toEqual([]);
  });
});

describe('the dashboard page keeps tokens out of pages and addresses', () => {
  const dashboardSrc = fileURLToPath(new URL('../../dashboard/src', import.meta.url));
  const sources = (dir: string): string[] =>
    readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? sources(join(dir, n)) : n.endsWith('.ts') ? [join(dir, n)] : []));

  it('serves a page and assets holding no token, to anyone', async () => {
    const page = await s.collector.app.request('/dashboard/');
    const html = await page.text();
    expect(page.status).toBe(200);
    const assets = [...html.matchAll(/(?:src|href)="(\/dashboard\/assets\/[^"]+)"/g)].map((m) => m[1]!);
    expect(assets.some((a) => a.endsWith('.js'))).toBe(true);
    for (const text of [html, ...(await Promise.all(assets.map(async (a) => (await s.collector.app.request(a)).text())))]) {
      for (const secret of ALL_SECRETS) expect(text).not.toContain(secret);
    }
  });

  it('sends the token only in an Authorization header, never in a URL (built bundle)', async () => {
    const html = await (await s.collector.app.request('/dashboard/')).text();
    const js = html.match(/src="(\/dashboard\/assets\/[^"]+\.js)"/)![1]!;
    const bundle = await (await s.collector.app.request(js)).text();
    expect(bundle).toContain('Bearer ${');
    expect(bundle).toMatch(/credentials:\s*"omit"/);
    // No query-string or fragment parameter that could carry a token.
    expect(bundle).not.toMatch(/[?&#](access_token|token|auth|authorization|key|api_key|read_token)=/i);
    expect(bundle).not.toMatch(/\.(set|append)\(\s*["'`](access_token|token|auth|authorization|key|api_key|read_token)["'`]/i);
    // Kept in sessionStorage (this tab), never in localStorage or a cookie.
    expect(bundle).not.toMatch(/localStorage|document\.cookie/);
  });

  it('uses the token only as `Bearer ${token}` and in sessionStorage (source)', () => {
    const uses: string[] = [];
    for (const file of sources(dashboardSrc)) {
      const text = readFileSync(file, 'utf8');
      // Every interpolation of a token variable in a template literal.
      for (const m of text.matchAll(/[^`]{0,20}\$\{\s*(token|readToken\(\))\s*\}/g)) uses.push(m[0].trim());
      expect(text, file).not.toMatch(/(URLSearchParams|searchParams|location|history\.(push|replace)State)[^;\n]*\btoken\b/);
      expect(text, file).not.toMatch(/localStorage|document\.cookie/);
    }
    expect(uses.length).toBeGreaterThanOrEqual(2);
    for (const use of uses) expect(use).toMatch(/Bearer \$\{token\}$/);
  });
});

describe('another project’s credentials see and write only their own project', () => {
  it('answers the other project’s read token with its own timeline only', async () => {
    const mine = (await (await s.collector.app.request('/v1/timeline?request_id=req-shared', { headers: bearer(CREDS.read.demo) })).json()) as { events: { project: string }[] };
    const theirs = (await (await s.collector.app.request('/v1/timeline?request_id=req-shared', { headers: bearer(CREDS.read.other) })).json()) as { events: { project: string }[] };
    expect(mine.events.length).toBeGreaterThanOrEqual(6);
    expect(theirs.events.length).toBe(mine.events.length);
    expect(new Set(mine.events.map((e) => e.project))).toEqual(new Set(['demo']));
    expect(new Set(theirs.events.map((e) => e.project))).toEqual(new Set(['other']));
  });
});

describe('one credential, one power', () => {
  // A read token that is also the admin token would let one project's reader act on every
  // project; a scraper's token that is also a read or admin token would read or act.
  it.each([
    ['LIFELINE_ADMIN_TOKEN', 'a read token', CREDS.read.other],
    ['LIFELINE_ADMIN_TOKEN', 'an ingest token', CREDS.ingest.demo],
    ['LIFELINE_ADMIN_TOKEN', 'the collector secret', CREDS.secret],
    ['LIFELINE_METRICS_TOKEN', 'a read token', CREDS.read.demo],
    ['LIFELINE_METRICS_TOKEN', 'an ingest token', CREDS.ingest.other],
    ['LIFELINE_METRICS_TOKEN', 'the admin token', CREDS.admin],
  ])('refuses %s reusing %s, without echoing it', async (name, _what, token) => {
    const { config, env } = securityEnv();
    const storage = s.collector.storage;
    const err = (await createObservability({
      config: testConfig(join(rulesDir, 'unused'), config),
      storage,
      queries: createQueryService(storage),
      env: { ...env, [name]: token },
      log: silentLogger,
    }).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toContain(name);
    for (const secret of ALL_SECRETS) expect(err.message).not.toContain(secret);
  });
});

describe('the log', () => {
  it('holds no credential after the whole matrix, though it logged', async () => {
    // A last scrape: labels come from routes, never from the URLs sent above.
    const metrics = await (await s.collector.app.request('/metrics', { headers: bearer(CREDS.metrics) })).text();
    for (const secret of ALL_SECRETS) expect(metrics).not.toContain(secret);

    const lines = [...s.log.lines, ...printed()];
    expect(s.log.lines.some((l) => l.includes('alert rules loaded'))).toBe(true);
    expect(s.log.lines.length).toBeGreaterThan(1);
    for (const secret of ALL_SECRETS) for (const line of lines) expect(line).not.toContain(secret);
  });
});
