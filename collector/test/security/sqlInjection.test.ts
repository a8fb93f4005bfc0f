import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertHistoryQuery, DashboardAnnotationsQuery, DeadLetterQuery, FunnelStep, PropFilter, TimelineQuery, type StoredEvent } from '@lifeline/protocol';
import { QUERY_SCHEMAS } from '../../src/query/queries';
import { eventToRow } from '../../src/storage/event-row';
import { insertEvents } from '../../src/storage/insert-events';
import { makeEvent } from '../helpers';
import { HOUR, NOW } from '../query/store';
import { CREDS, databaseSnapshot, openSecurityCollector } from './support';

/**
 * SQL injection through every parameter of every endpoint that reads storage. Each payload
 * must be either a literal value (200, and a search or lookup for it finds exactly the
 * seeded rows that hold it, of the token's project only) or refused with a reason (4xx),
 * never a 5xx. Underneath: no payload ever reaches ClickHouse as SQL text (only as a bound
 * parameter), nothing is written, and the database holds the same tables and rows after the
 * whole matrix. A static check over the query modules guards the same property where the
 * matrix cannot reach.
 */

/** Every payload starts with this, so its trace in SQL text or in bound values can be found. */
const MARK = 'qx7';
const PAYLOADS = [
  `${MARK}' OR 1=1 --`,
  `${MARK}'); DROP TABLE lifeline.events; --`,
  `${MARK}\\'`,
  `${MARK}\\\\' OR '1'='1`,
  `${MARK}\\`,
  `${MARK}{project:String}`,
  `${MARK}{p0:String}`,
  `${MARK}$1`,
  `${MARK}’ OR ‘1’=’1`,
  `${MARK}＇ OR 1=1 --`,
  `${MARK}' UNION SELECT name FROM system.tables --`,
  `${MARK}' SETTINGS readonly=0 --`,
  `${MARK}' FORMAT TabSeparated --`,
  `${MARK}' INTO OUTFILE '/tmp/lifeline-sqli-probe' --`,
  `${MARK}'; SELECT 1; --`,
  `${MARK}' /* comment */ OR 1=1 /*`,
  `${MARK}\u0000' OR 1=1 --`,
  `${MARK}" OR ""="`,
  `${MARK}\` OR 1=1 --`,
  `${MARK}\t\n' OR 1=1`,
];

/** Marks in the other project's rows: seeing one in an answer for `demo` is a leak. */
const OTHER = 'other-only-9c1e';
const T = NOW - 3 * HOUR;

let s: Awaited<ReturnType<typeof openSecurityCollector>>;
let before: Awaited<ReturnType<typeof databaseSnapshot>>;
/** The demo event holding each payload as its message, release and every ID. */
const seeded = new Map<string, StoredEvent>();

/** Every statement sent to ClickHouse while the matrix runs. */
const sent: { method: string; query: string; params: Record<string, unknown> }[] = [];

beforeAll(async () => {
  s = await openSecurityCollector();
  const events: StoredEvent[] = [];
  PAYLOADS.forEach((payload, i) => {
    for (const project of ['demo', 'other'] as const) {
      const ids = { session_id: payload, request_id: payload, user_id: payload, order_id: payload, trace_id: payload };
      const error = makeEvent('error', { project, ts: T + i, received_at: T + i + 100, ...ids, release: payload, message: `probe ${payload} ${project === 'other' ? OTHER : 'demo'}`, fingerprint: `fp-${project}-${i}` });
      if (project === 'demo') seeded.set(payload, error);
      const session = { project, session_id: `s-${project}-${i}` };
      events.push(
        error,
        makeEvent('track', { ...session, ts: T + 1000, received_at: T + 1100, name: payload, props: { revenue: 10 } }),
        makeEvent('track', { ...session, ts: T + 2000, received_at: T + 2100, name: 'add_to_cart' }),
        makeEvent('network', { ...session, ts: T + 3000, received_at: T + 3100, method: 'GET', url: `/api/probe-${i}`, status: 500, duration_ms: 5 }),
        makeEvent('vital', { ...session, ts: T + 4000, received_at: T + 4100, name: 'LCP', value: 2000, url: `https://shop.test/probe-${i}` }),
      );
    }
  });
  await insertEvents(s.collector.storage, events.map(eventToRow));
  before = await databaseSnapshot(s.collector.storage);

  // Observe (not replace) every call that reaches ClickHouse.
  const client = s.collector.storage.client as unknown as Record<string, (params: { query?: string; table?: string; query_params?: Record<string, unknown> }) => unknown>;
  for (const method of ['query', 'command', 'exec', 'insert'] as const) {
    const original = client[method]!.bind(client);
    client[method] = (params) => {
      sent.push({ method, query: params.query ?? `INSERT INTO ${params.table}`, params: params.query_params ?? {} });
      return original(params);
    };
  }
});

afterAll(async () => {
  await s?.close();
});

type Body = Record<string, any>;

interface Point {
  /** `endpoint param`, for the test name. */
  label: string;
  url: (payload: string) => string;
  /** The payload reaches storage verbatim as a bound value when the answer is 200. */
  bound?: boolean;
  /** The answer must be 200 and hold exactly the seeded rows for this payload. */
  literal?: (body: Body, payload: string) => void;
}

const qs = (path: string, params: Record<string, string>) => `${path}?${new URLSearchParams(params).toString()}`;

/** One point per parameter: the payload in that parameter, valid values in the others. */
function pointsOf(path: string, base: Record<string, string>, params: string[], special: Record<string, Omit<Point, 'label'>> = {}): Point[] {
  return [
    ...params.map((param) => ({ label: `${path} ${param}`, url: (p: string) => qs(path, { ...base, [param]: p }), ...special[param] })),
    ...Object.entries(special)
      .filter(([name]) => !params.includes(name))
      .map(([name, point]) => ({ label: `${path} ${name}`, ...point })),
    // The payload as a parameter's name.
    { label: `${path} (a parameter named by the payload)`, url: (p: string) => qs(path, { ...base, [p]: '1' }) },
  ];
}

const eventIds = (body: Body) => (body.events as StoredEvent[]).map((e) => e.event_id);
const step = (p: string) => JSON.stringify(p);
const range = ['from', 'to'];

const POINTS: Point[] = [
  ...pointsOf('/v1/query/funnel', { steps: 'view_product,add_to_cart' }, [...range, 'window', 'by', 'order', 'breakdown', 'breakdown_limit', 'compare'], {
    'steps (event name)': {
      url: (p) => qs('/v1/query/funnel', { steps: `${step(p)},add_to_cart` }),
      bound: true,
      literal: (b) => expect([b.total.entered, b.total.completed]).toEqual([1, 1]),
    },
    'steps (filter key)': { url: (p) => qs('/v1/query/funnel', { steps: `view_product[${step(p)}=x],add_to_cart` }), bound: true },
    'steps (filter value)': { url: (p) => qs('/v1/query/funnel', { steps: `view_product[product_id=${step(p)}],add_to_cart` }), bound: true },
    'steps (contains)': { url: (p) => qs('/v1/query/funnel', { steps: `view_product[product_id~${step(p)}],add_to_cart` }), bound: true },
    'steps (number)': { url: (p) => qs('/v1/query/funnel', { steps: `view_product[price>${p}],add_to_cart` }) },
    'steps (raw)': { url: (p) => qs('/v1/query/funnel', { steps: p }) },
  }),
  ...pointsOf('/v1/query/metrics', {}, [...range, 'interval', 'tz', 'revenue_prop'], {
    purchase_event: { url: (p) => qs('/v1/query/metrics', { purchase_event: p }), bound: true, literal: (b) => expect([b.totals.orders, b.totals.revenue]).toEqual([1, 10]) },
    signup_event: { url: (p) => qs('/v1/query/metrics', { signup_event: p }), bound: true, literal: (b) => expect(b.totals.registrations).toBe(1) },
    events: { url: (p) => qs('/v1/query/metrics', { events: p }), bound: true, literal: (b, p) => expect(b.totals.events).toEqual({ [p]: 1 }) },
  }),
  ...pointsOf('/v1/query/anomalies', { from: 'now-6h', causes: 'false' }, [...range, 'weeks', 'threshold', 'min_change', 'causes', 'cause_limit', 'revenue_prop'], {
    metrics: { url: (p) => qs('/v1/query/anomalies', { from: 'now-6h', metrics: `event:${p}` }), bound: true },
    purchase_event: { url: (p) => qs('/v1/query/anomalies', { from: 'now-6h', purchase_event: p }), bound: true },
    signup_event: { url: (p) => qs('/v1/query/anomalies', { from: 'now-6h', signup_event: p }), bound: true },
  }),
  ...pointsOf('/v1/query/errors', {}, [...range, 'limit', 'interval'], {
    release: {
      url: (p) => qs('/v1/query/errors', { release: p }),
      bound: true,
      literal: (b, p) => {
        expect(b.groups.map((g: Body) => [g.count, g.releases, g.sample.event_id])).toEqual([[1, [p], seeded.get(p)!.event_id]]);
      },
    },
  }),
  ...pointsOf('/v1/query/search', { q: 'probe' }, [...range, 'fields', 'kinds', 'limit'], {
    q: {
      url: (p) => qs('/v1/query/search', { q: p }),
      bound: true,
      literal: (b, p) => {
        // Every hit holds the payload as text, and the seeded one is among them.
        expect(eventIds(b)).toContain(seeded.get(p)!.event_id);
        for (const e of b.events as Body[]) expect([e.message, e.url, e.stack].join('\n').toLowerCase()).toContain(p.toLowerCase());
      },
    },
    re: { url: (p) => qs('/v1/query/search', { re: p }), bound: true },
  }),
  ...pointsOf('/v1/query/vitals', {}, [...range, 'interval', 'names', 'path_limit'], { path: { url: (p) => qs('/v1/query/vitals', { path: p }), bound: true } }),
  ...pointsOf('/v1/query/red', {}, [...range, 'source', 'limit'], { path: { url: (p) => qs('/v1/query/red', { path: p }), bound: true } }),
  ...pointsOf('/v1/query/timeline', { id: 'probe' }, [...range, 'by', 'related', 'around', 'limit'], {
    // Looked up by guessing what the ID is, with everything related to it.
    id: {
      url: (p) => qs('/v1/query/timeline', { id: p }),
      bound: true,
      literal: (b, p) => {
        expect(b.via[seeded.get(p)!.event_id]).toBe('match');
        expect(Object.entries(b.via).filter(([, via]) => via === 'match').map(([id]) => id)).toEqual([seeded.get(p)!.event_id]);
      },
    },
  }),
  ...pointsOf('/v1/timeline', { request_id: 'probe' }, ['limit'], Object.fromEntries(
    ['session_id', 'request_id', 'user_id', 'order_id', 'trace_id'].map((key) => [
      key,
      { url: (p: string) => qs('/v1/timeline', { [key]: p }), bound: true, literal: (b: Body, p: string) => expect(eventIds(b)).toEqual([seeded.get(p)!.event_id]) },
    ]),
  )),
  ...pointsOf('/v1/alerts/history', {}, ['limit']),
  ...pointsOf('/v1/alerts/dead-letter', {}, ['status']),
  ...pointsOf('/v1/dashboard/annotations', {}, range),
  { label: '/v1/dashboard/flags (a parameter named by the payload)', url: (p) => qs('/v1/dashboard/flags', { [p]: '1' }) },
  { label: '/v1/dashboard/session (a parameter named by the payload)', url: (p) => qs('/v1/dashboard/session', { [p]: '1' }) },
];

/** Statements a request sent, and whether any bound value holds the payload verbatim. */
const boundHas = (statements: typeof sent, payload: string) =>
  statements.some((st) => Object.values(st.params).some((v) => v === payload || (Array.isArray(v) && v.includes(payload))));

let answered = { ok: 0, refused: 0, literal: 0 };

describe('SQL injection: every parameter × every payload', () => {
  it.each(POINTS)('$label', async (point) => {
    for (const payload of PAYLOADS) {
      const from = sent.length;
      const res = await s.collector.app.request(point.url(payload), { headers: { authorization: `Bearer ${CREDS.read.demo}` } });
      const text = await res.text();
      const why = `${point.label} ← ${JSON.stringify(payload)}: ${res.status} ${text.slice(0, 300)}`;
      expect(res.status, why).toBeLessThan(500);
      const body = JSON.parse(text) as Body;
      if (res.status !== 200) {
        expect(res.status, why).toBeGreaterThanOrEqual(400);
        expect(typeof body.error === 'string' && typeof body.reason === 'string' && body.reason.length > 0, why).toBe(true);
        expect(point.literal, `${why}: a literal value must be answered`).toBeUndefined();
        answered.refused++;
        continue;
      }
      answered.ok++;
      if (body.project !== undefined) expect(body.project, why).toBe('demo');
      expect(text, why).not.toContain(OTHER);
      expect(text, why).not.toContain('"project":"other"');
      const statements = sent.slice(from);
      if (point.bound) expect(boundHas(statements, payload), `${why}: the payload was not bound as a value`).toBe(true);
      if (point.literal) {
        point.literal(body, payload);
        answered.literal++;
      }
    }
  });

  it('/v1/alerts/dead-letter/replay ids (admin, in the body)', async () => {
    for (const payload of PAYLOADS) {
      const res = await s.collector.app.request('/v1/alerts/dead-letter/replay', {
        method: 'POST',
        headers: { authorization: `Bearer ${CREDS.admin}`, 'content-type': 'application/json' },
        body: JSON.stringify({ ids: [payload] }),
      });
      const body = (await res.json()) as Body;
      expect([res.status, body.error], JSON.stringify(payload)).toEqual([400, 'invalid_query']);
      answered.refused++;
    }
  });

  it('exercised both outcomes, and literal lookups for every payload', () => {
    const literalPoints = POINTS.filter((p) => p.literal).length;
    expect(answered.literal).toBe(literalPoints * PAYLOADS.length);
    expect(answered.ok).toBeGreaterThan(answered.literal);
    expect(answered.refused).toBeGreaterThan(100);
  });
});

describe('no effect beyond the answers', () => {
  it('never sent a payload to ClickHouse as SQL text', () => {
    expect(sent.length).toBeGreaterThan(500);
    const leaked = sent.filter((st) => st.query.includes(MARK)).map((st) => st.query.slice(0, 200));
    expect(leaked).toEqual([]);
  });

  it('sent no write: no INSERT, command or exec, and no SQL statement that writes', () => {
    expect(sent.filter((st) => st.method !== 'query').map((st) => st.query)).toEqual([]);
    for (const st of sent) expect(st.query).not.toMatch(/\b(INSERT|ALTER|DROP|TRUNCATE|CREATE|RENAME|OPTIMIZE|DELETE|UPDATE|SYSTEM|OUTFILE|ATTACH|DETACH|KILL|GRANT)\b/i);
  });

  it('left the same tables with the same rows, and no file written', async () => {
    expect(await databaseSnapshot(s.collector.storage)).toEqual(before);
    expect(before.tables.events).toMatch(new RegExp(`MergeTree ${PAYLOADS.length * 10} rows$`));
    expect(existsSync('/tmp/lifeline-sqli-probe')).toBe(false);
  });
});

/*
 * The static guard. Every SQL text in the query modules is a template literal; a value a
 * caller sent may enter one only through the statement's parameters (`p.add(...)`,
 * `p.time(...)`, `p.tsRange(...)`), which become `{pN:Type}` placeholders. The check
 * below finds, in every template literal of those modules, each `${…}` that reads a field
 * of a parsed request (`q.release`, a step's `event`, a filter's `value`…), directly, through
 * a variable assigned from one, or through the element of a list of them, anywhere but in
 * a parameter call's arguments, an index into a constant lookup table, a condition, or the
 * arguments of another function (whose own templates are checked where it is defined).
 */

const SRC = fileURLToPath(new URL('../../src', import.meta.url));
const SQL_DIRS = ['query', 'alerts/queries', 'dashboard/queries'];

/** The names the query modules give a parsed request and its parts: query parameters, funnel steps and filters, a timeline lookup. */
const REQUEST_OBJECTS = new Set(['q', 'query', 'step', 's', 'f', 'filter', 'lookup']);
const shapeKeys = (schema: unknown) => Object.keys((schema as { shape?: object }).shape ?? {});
/** Every field a caller can send, from the protocol's own schemas. */
const REQUEST_FIELDS = new Set([
  ...[...Object.values(QUERY_SCHEMAS), TimelineQuery, AlertHistoryQuery, DeadLetterQuery, DashboardAnnotationsQuery, FunnelStep, PropFilter].flatMap(shapeKeys),
  'id',
  'key',
]);
/** Calls whose arguments become bound parameters. */
const BINDERS = new Set(['add', 'time', 'tsRange']);
const ITERATORS = new Set(['map', 'flatMap']);
const COMPARISONS = new Set([
  ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsEqualsToken, ts.SyntaxKind.EqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsToken,
  ts.SyntaxKind.LessThanToken, ts.SyntaxKind.GreaterThanToken, ts.SyntaxKind.LessThanEqualsToken, ts.SyntaxKind.GreaterThanEqualsToken, ts.SyntaxKind.InKeyword,
]);

/** `${…}` substitutions of template literals in `text` that carry request fields into SQL text. */
function unboundInterpolations(text: string, file = 'x.ts'): string[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const tainted = new Set<string>();

  /** Whether `node` yields request text; marks the parameter of a callback mapped over request values. */
  const carries = (node: ts.Node): boolean => {
    if (ts.isParenthesizedExpression(node) || ts.isNonNullExpression(node) || ts.isAsExpression(node)) return carries(node.expression);
    if (ts.isConditionalExpression(node)) return carries(node.whenTrue) || carries(node.whenFalse);
    if (ts.isBinaryExpression(node) && COMPARISONS.has(node.operatorToken.kind)) return false;
    if (ts.isElementAccessExpression(node) && ts.isIdentifier(node.expression) && /^[A-Z][A-Z0-9_]*$/.test(node.expression.text)) return false;
    if (ts.isCallExpression(node)) {
      const callee = node.expression;
      if (ts.isPropertyAccessExpression(callee)) {
        if (BINDERS.has(callee.name.text)) return false;
        const cb = node.arguments[0];
        if (ITERATORS.has(callee.name.text) && cb && (ts.isArrowFunction(cb) || ts.isFunctionExpression(cb))) {
          const item = cb.parameters[0]?.name;
          if (item && ts.isIdentifier(item) && carries(callee.expression)) tainted.add(item.text);
          return carries(cb.body);
        }
        // A named function mapped over values builds its own SQL, and is checked where it is defined.
        if (ITERATORS.has(callee.name.text) && cb && ts.isIdentifier(cb)) return false;
        // Any other method: what it returns comes from its receiver (`.join`, `.slice`, `.trim`…).
        return carries(callee.expression);
      }
      // A function builds its own SQL from its arguments, and is checked where it is defined.
      return ts.isIdentifier(callee) && callee.text === 'String' ? node.arguments.some(carries) : false;
    }
    if (ts.isPropertyAccessExpression(node)) {
      let root: ts.Expression = node.expression;
      while (ts.isPropertyAccessExpression(root) || ts.isNonNullExpression(root) || ts.isParenthesizedExpression(root)) root = root.expression;
      if (ts.isIdentifier(root) && tainted.has(root.text)) return true;
      return REQUEST_FIELDS.has(node.name.text) && ts.isIdentifier(root) && REQUEST_OBJECTS.has(root.text);
    }
    if (ts.isIdentifier(node)) return tainted.has(node.text);
    if (ts.isArrowFunction(node) || ts.isFunctionExpression(node)) return carries(node.body);
    return ts.forEachChild(node, (child) => (carries(child) ? true : undefined)) ?? false;
  };

  const templates: ts.TemplateExpression[] = [];
  const collect = (node: ts.Node) => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer && carries(node.initializer)) tainted.add(node.name.text);
    if (ts.isTemplateExpression(node)) {
      templates.push(node);
      for (const span of node.templateSpans) carries(span.expression);
    }
    ts.forEachChild(node, collect);
  };
  // Taint flows through variables and callbacks declared in any order: a few passes settle it.
  for (let pass = 0, size = -1; size !== tainted.size && pass < 5; pass++) {
    size = tainted.size;
    templates.length = 0;
    collect(sf);
  }

  const found: string[] = [];
  for (const node of templates) {
    // Messages for people (errors, summaries, keys, log lines) are not SQL.
    const parent = node.parent;
    const message =
      (ts.isNewExpression(parent) && /Error$/.test(parent.expression.getText(sf))) ||
      (ts.isPropertyAssignment(parent) && /^(summary|message|reason|key)$/.test(parent.name.getText(sf))) ||
      (ts.isCallExpression(parent) && /^(log|console)\.\w+$/.test(parent.expression.getText(sf)));
    // Nor is a template of bare substitutions (`${a}-${b}`): what it joins is checked where each part is made.
    const literal = node.head.text + node.templateSpans.map((span) => span.literal.text).join('');
    if (message || !/[A-Za-z(=<>'"]/.test(literal)) continue;
    for (const span of node.templateSpans) {
      if (carries(span.expression)) found.push(`${file}:${sf.getLineAndCharacterOfPosition(span.getStart()).line + 1}: \${${span.expression.getText(sf)}}`);
    }
  }
  return found;
}

describe('static: request values reach SQL only as bound parameters', () => {
  const files = SQL_DIRS.flatMap((d) => {
    const walk = (dir: string): string[] => readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? walk(join(dir, n)) : n.endsWith('.ts') ? [join(dir, n)] : []));
    return walk(join(SRC, d));
  });

  it('knows the query modules and the request fields', () => {
    expect(files.length).toBeGreaterThan(30);
    expect(files.map((f) => relative(SRC, f))).toEqual(expect.arrayContaining(['query/search.ts', 'query/funnel/funnel.ts', 'alerts/queries/history.ts', 'dashboard/queries/flag-events.ts']));
    for (const field of ['q', 're', 'release', 'path', 'steps', 'event', 'value', 'tz', 'purchase_event', 'session_id', 'limit', 'from']) expect(REQUEST_FIELDS).toContain(field);
  });

  it('no template literal in them interpolates a request value', () => {
    expect(files.flatMap((f) => unboundInterpolations(readFileSync(f, 'utf8'), relative(SRC, f)))).toEqual([]);
  });

  it.each([
    ['a parameter interpolated', 'const sql = `SELECT * FROM t WHERE release = \'${q.release}\'`;'],
    ['a filter value interpolated', 'const c = (f) => `JSONExtractString(props, \'k\') = \'${f.value}\'`;'],
    ['an alias of a parameter', 'const path = q.path ?? ""; const sql = `WHERE path LIKE \'%${path}%\'`;'],
    ['an alias declared after its use', 'const where = () => `WHERE path = \'${p2}\'`; const p2 = q.path!.trim();'],
    ['a parameter in a fragment picked by a condition', 'const w = q.path === undefined ? "" : `AND path = \'${q.path}\'`;'],
    ['the elements of a list parameter', 'const sql = `WHERE name IN (${q.events.map((e) => `\'${e}\'`).join(",")})`;'],
    ['a step name', 'const c = q.steps.map((st) => `name = \'${st.event}\'`);'],
    ['a number parameter', 'const sql = `LIMIT ${q.limit}`;'],
  ])('would catch %s', (_why, code) => {
    expect(unboundInterpolations(code).length).toBeGreaterThan(0);
  });

  it.each([
    ['a bound parameter', 'const sql = `WHERE release = ${p.add("String", q.release)}`;'],
    ['a fragment chosen by a parameter', 'const w = q.path === undefined ? "" : `AND path = ${p.add("String", q.path)}`;'],
    ['bound list elements', 'const names = q.names ?? []; const ps = names.map((n) => p.add("String", n)); const sql = `IN (${ps.join(", ")})`;'],
    ['a constant lookup', 'const sql = `SELECT ${ENTITY[q.by]} AS e`;'],
    ['a helper given the value', 'const sql = `WHERE ${propCondition(f, p)}`;'],
    ['a helper mapped over the values', 'const fields = q.fields ?? []; const sql = `WHERE ${fields.map(match).join(" OR ")}`;'],
    ['an error message', 'throw new QueryParamError("re", `not valid: ${q.re}`);'],
  ])('lets %s through', (_why, code) => {
    expect(unboundInterpolations(code)).toEqual([]);
  });
});
