/**
 * Parses `project:token,project:token` into token → project. Problems are pushed onto
 * `problems` by entry number, never echoing the pair itself: it holds a token.
 * An absent value gives an empty map; whether that is allowed is the caller's call.
 *
 * @example parseTokenPairs('LIFELINE_INGEST_TOKENS', 'demo:dev-ingest-token', []) // Map { 'dev-ingest-token' => 'demo' }
 */
export function parseTokenPairs(name: string, raw: string | undefined, problems: string[]): Map<string, string> {
  const tokens = new Map<string, string>();
  if (!raw) return tokens;
  for (const [i, pair] of raw.split(',').entries()) {
    const at = pair.indexOf(':');
    const project = pair.slice(0, at).trim();
    const token = pair.slice(at + 1).trim();
    if (at <= 0 || !project || !token) problems.push(`${name} entry ${i + 1} is not project:token`);
    else if (tokens.has(token)) problems.push(`${name} entry ${i + 1} repeats a token`);
    else tokens.set(token, project);
  }
  return tokens;
}
