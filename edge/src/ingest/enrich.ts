import { LIMITS, type Enrichment } from '@lifeline/protocol';

/**
 * What the edge adds to every event of a request: the key's project, the edge's receive
 * time, the country Cloudflare resolved (never the IP itself) and the User-Agent,
 * truncated to the protocol's URL length limit.
 *
 * @example enrichmentFor(c.req.raw, 'demo') // { project: 'demo', received_at: 1700000000000, country: 'DE', user_agent: 'Mozilla/5.0 …' }
 */
export function enrichmentFor(request: Request, project: string, now: number = Date.now()): Enrichment {
  const enrichment: Enrichment = { project, received_at: now };
  // `cf` is absent outside Cloudflare's network (and in plain test requests).
  const country: unknown = (request.cf as { country?: unknown } | undefined)?.country;
  if (typeof country === 'string' && country.length > 0 && country.length <= 8) enrichment.country = country;
  const userAgent = request.headers.get('user-agent');
  if (userAgent) enrichment.user_agent = userAgent.slice(0, LIMITS.url);
  return enrichment;
}
