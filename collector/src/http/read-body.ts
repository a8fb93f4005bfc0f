/** A request body read as JSON, or the status and reason to refuse it with. */
export type JsonBody =
  | { ok: true; value: unknown; bytes: number }
  | { ok: false; status: 400 | 413; error: 'invalid_json' | 'payload_too_large'; reason: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads and parses a JSON body of at most `maxBytes`. Refuses early on a larger
 * Content-Length, and also counts the bytes actually read, since Content-Length may be
 * absent (chunked) or wrong; reading stops as soon as the limit is passed.
 *
 * @example const body = await readJsonBody(c.req.raw, LIMITS.collectorBatchBytes)
 */
export async function readJsonBody(req: Request, maxBytes: number): Promise<JsonBody> {
  const tooBig = { ok: false, status: 413, error: 'payload_too_large', reason: `body is larger than ${maxBytes} bytes` } as const;
  const declared = req.headers.get('content-length');
  if (declared !== null && Number(declared) > maxBytes) return tooBig;

  const chunks: Uint8Array[] = [];
  let bytes = 0;
  if (req.body) {
    const reader = req.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      if (bytes > maxBytes) {
        await reader.cancel().catch(() => {});
        return tooBig;
      }
      chunks.push(value);
    }
  }
  if (bytes === 0) return { ok: false, status: 400, error: 'invalid_json', reason: 'body is empty; expected JSON' };

  let text: string;
  try {
    text = utf8.decode(Buffer.concat(chunks, bytes));
  } catch {
    return { ok: false, status: 400, error: 'invalid_json', reason: 'body is not valid UTF-8' };
  }
  try {
    return { ok: true, value: JSON.parse(text), bytes };
  } catch (err) {
    const detail = err instanceof Error ? `: ${err.message}` : '';
    return { ok: false, status: 400, error: 'invalid_json', reason: `body is not JSON${detail}` };
  }
}
