/**
 * Whether an `If-None-Match` header matches `etag` (RFC 9110 §13.1.2): `*`, or any listed
 * tag compared weakly, so a `W/` prefix added by a proxy that re-encoded the body still matches.
 *
 * @example etagMatches('"demo-3", "demo-4"', '"demo-4"') // true
 */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const bare = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => tag.trim() === '*' || bare(tag) === bare(etag));
}
