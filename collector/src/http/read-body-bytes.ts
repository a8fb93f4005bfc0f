import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';

const gunzipAsync = promisify(gunzip);

/** A request body's bytes, or the status and reason to refuse it with. */
export type BodyBytes =
  | { ok: true; bytes: Buffer }
  | { ok: false; status: 400 | 413 | 415; error: 'invalid_json' | 'payload_too_large' | 'unsupported_media_type'; reason: string };

/**
 * Reads a body of at most `maxBytes`, undoing `Content-Encoding: gzip` (OpenTelemetry
 * exporters send it with `OTEL_EXPORTER_OTLP_COMPRESSION=gzip`) within the same limit, so
 * a small compressed body cannot expand without bound. Refuses early on a larger
 * Content-Length, and also counts the bytes actually read, since Content-Length may be
 * absent (chunked) or wrong; reading stops as soon as the limit is passed.
 *
 * @example const body = await readBodyBytes(c.req.raw, LIMITS.logsRequestBytes)
 */
export async function readBodyBytes(req: Request, maxBytes: number): Promise<BodyBytes> {
  const tooBig = { ok: false, status: 413, error: 'payload_too_large', reason: `body is larger than ${maxBytes} bytes` } as const;
  const encoding = (req.headers.get('content-encoding') ?? 'identity').trim().toLowerCase();
  if (encoding !== 'identity' && encoding !== 'gzip') {
    return { ok: false, status: 415, error: 'unsupported_media_type', reason: `Content-Encoding ${encoding} is not supported; use gzip or none` };
  }
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
  const raw = Buffer.concat(chunks, bytes);
  if (encoding !== 'gzip' || raw.length === 0) return { ok: true, bytes: raw };
  try {
    return { ok: true, bytes: await gunzipAsync(raw, { maxOutputLength: maxBytes }) };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') return { ...tooBig, reason: `body is larger than ${maxBytes} bytes once decompressed` };
    return { ok: false, status: 400, error: 'invalid_json', reason: 'body is not valid gzip' };
  }
}
