import { Hono } from 'hono';
import { DashboardAnnotationsQuery, describeIssues, type DashboardAnnotationsResponse, type DashboardSessionResponse } from '@lifeline/protocol';
import { requireReadToken, type ReadAuthEnv } from '../http/bearer-auth';
import { sendError } from '../http/errors';
import { QueryParamError, resolveRange } from '../query/range';
import type { Storage } from '../storage/open-storage';
import { currentFlags, type EdgeStatusSource } from './flags';
import { flagChanges } from './queries/flag-events';
import { releasesFirstSeen } from './queries/releases';
import { DEFAULT_ASSETS_DIR, createAssetStore } from './static-assets';

export interface DashboardDeps {
  storage: Storage;
  /** Read token → project. */
  readTokens: ReadonlyMap<string, string>;
  /** The edge to read live flags from (`LIFELINE_EDGE_URL`, `LIFELINE_PUBLIC_KEY`); storage otherwise. */
  edge?: EdgeStatusSource | undefined;
  /** Built assets. @default collector/dist/dashboard */
  assetsDir?: string;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
}

/**
 * The page may load only what the collector serves and talk only to it: no CDN, no inline
 * script, nothing framed. uPlot styles its canvas through the CSSOM, which `style-src
 * 'self'` allows.
 */
const PAGE_HEADERS = {
  'Content-Security-Policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
};


/**
 * The dashboard: its page and assets (public and static; all data comes from the query
 * API with the read token the page asks for), plus the few answers only it needs.
 *
 * @example app.route('/', createDashboardRoutes({ storage, readTokens }))
 */
export function createDashboardRoutes(deps: DashboardDeps): Hono<ReadAuthEnv> {
  const app = new Hono<ReadAuthEnv>();
  const assets = createAssetStore(deps.assetsDir ?? DEFAULT_ASSETS_DIR);
  const read = requireReadToken({ tokens: deps.readTokens });

  app.get('/dashboard', (c) => c.redirect('/dashboard/', 301));
  app.get('/dashboard/', async (c) => {
    const page = await assets.index();
    if (!page) return sendError(c, 503, 'unavailable', 'the dashboard is not built: run npm run build -w collector');
    return c.body(new Uint8Array(page.body), 200, { 'Content-Type': page.type, 'Cache-Control': 'no-cache', ...PAGE_HEADERS });
  });
  app.get('/dashboard/assets/:name', async (c) => {
    const asset = await assets.read('assets', c.req.param('name'));
    if (!asset) return sendError(c, 404, 'not_found', 'no such dashboard asset');
    // Hashed names change with their content, so a browser may keep each for good.
    return c.body(new Uint8Array(asset.body), 200, { 'Content-Type': asset.type, 'Cache-Control': 'public, max-age=31536000, immutable', 'X-Content-Type-Options': 'nosniff' });
  });

  app.get('/v1/dashboard/session', read, (c) => {
    const body: DashboardSessionResponse = { project: c.get('project') };
    return c.json(body);
  });

  app.get('/v1/dashboard/flags', read, async (c) => {
    return c.json(await currentFlags({ storage: deps.storage, project: c.get('project'), edge: deps.edge, ...(deps.fetch ? { fetch: deps.fetch } : {}) }));
  });

  app.get('/v1/dashboard/annotations', read, async (c) => {
    const q = DashboardAnnotationsQuery.safeParse(c.req.query());
    if (!q.success) return sendError(c, 400, 'invalid_query', describeIssues(q.error).reason, { issues: describeIssues(q.error).issues });
    let from: number;
    let to: number;
    try {
      ({ from, to } = resolveRange(q.data, { now: Date.now() }));
    } catch (err) {
      if (err instanceof QueryParamError) return sendError(c, 400, 'invalid_query', err.message);
      throw err;
    }
    const project = c.get('project');
    const [flags, releases] = await Promise.all([flagChanges(deps.storage, { project, from, to }), releasesFirstSeen(deps.storage, { project, from, to })]);
    const body: DashboardAnnotationsResponse = {
      project,
      from,
      to,
      flags: flags.map((f) => ({
        ts: f.ts,
        feature: f.feature,
        from_state: f.from_state as DashboardAnnotationsResponse['flags'][number]['from_state'],
        state: f.state as DashboardAnnotationsResponse['flags'][number]['state'],
        ...(f.message ? { message: f.message } : {}),
        ...(f.actor ? { actor: f.actor } : {}),
      })),
      releases,
    };
    return c.json(body);
  });

  return app;
}
