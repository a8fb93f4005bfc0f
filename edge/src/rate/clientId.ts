const encoder = new TextEncoder();

/**
 * Who a request comes from, for per-client limits: a SHA-256 of the connecting IP
 * (`CF-Connecting-IP`, set by Cloudflare and by `wrangler dev`) and the User-Agent, as hex.
 * Only the digest is ever kept, so no raw IP is stored, not even in memory. The User-Agent
 * separates visitors behind one NAT a little; the per-client limit is sized for that.
 *
 * @example await clientId(c.req.raw) // '9f2c…' (32 hex characters)
 */
export async function clientId(request: Request): Promise<string> {
  const ip = request.headers.get('cf-connecting-ip') ?? '';
  const agent = request.headers.get('user-agent') ?? '';
  const digest = await crypto.subtle.digest('SHA-256', encoder.encode(`${ip}\n${agent}`));
  return [...new Uint8Array(digest, 0, 16)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
