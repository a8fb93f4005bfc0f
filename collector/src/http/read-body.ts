import { readBodyBytes, type BodyBytes } from './read-body-bytes';

/** A request body read as JSON, or the status and reason to refuse it with. */
export type JsonBody = { ok: true; value: unknown; bytes: number } | Extract<BodyBytes, { ok: false }>;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads and parses a JSON body of at most `maxBytes` (see `readBodyBytes` for the limit and
 * gzip).
 *
 * @example const body = await readJsonBody(c.req.raw, LIMITS.collectorBatchBytes)
 */
export async function readJsonBody(req: Request, maxBytes: number): Promise<JsonBody> {
  const body = await readBodyBytes(req, maxBytes);
  if (!body.ok) return body;
  const text = decodeUtf8(body.bytes);
  if (typeof text !== 'string') return text;
  try {
    return { ok: true, value: JSON.parse(text), bytes: body.bytes.length };
  } catch (err) {
    const detail = err instanceof Error ? `: ${err.message}` : '';
    return { ok: false, status: 400, error: 'invalid_json', reason: `body is not JSON${detail}` };
  }
}

/** A body as text: refused when empty or not valid UTF-8. */
export function decodeUtf8(bytes: Buffer): string | { ok: false; status: 400; error: 'invalid_json'; reason: string } {
  if (bytes.length === 0) return { ok: false, status: 400, error: 'invalid_json', reason: 'body is empty; expected JSON' };
  try {
    return utf8.decode(bytes);
  } catch {
    return { ok: false, status: 400, error: 'invalid_json', reason: 'body is not valid UTF-8' };
  }
}
