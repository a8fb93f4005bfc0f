import { HttpError } from './errors';

/** How much more than the limit is read and thrown away before giving up on a body. */
const DRAIN_FACTOR = 4;

/**
 * Reads and drops up to `budget` further bytes, then cancels. Answering while a client
 * is still uploading makes many clients report a connection error instead of the 413
 * (the reason servers do a "lingering close"), and it stalls wrangler dev's local proxy;
 * a bounded drain avoids both without letting an endless upload hold the worker.
 */
async function discard(reader: ReadableStreamDefaultReader<Uint8Array>, budget: number): Promise<void> {
  let drained = 0;
  try {
    while (drained <= budget) {
      const { done, value } = await reader.read();
      if (done) return;
      drained += value.byteLength;
    }
    await reader.cancel();
  } catch {
    // The client went away; there is nobody left to answer.
  }
}

function tooLarge(limit: number): HttpError {
  return new HttpError(413, 'payload_too_large', `the body exceeds ${limit} bytes`);
}

/**
 * Reads a request body as UTF-8 text, refusing more than `limit` bytes.
 *
 * `Content-Length` is checked first so an honest oversized request is refused without
 * reading it; the bytes are also counted while streaming, so a missing or lying header
 * cannot push more than `limit` bytes (plus one chunk) into memory. Past the limit the
 * rest is drained, up to a bound, and dropped (see `discard`).
 *
 * @example const text = await readTextLimited(c.req.raw, LIMITS.sdkBatchBytes)
 * @throws HttpError 413 `payload_too_large`, or 400 `invalid_encoding` for bytes that are not UTF-8
 */
export async function readTextLimited(request: Request, limit: number): Promise<string> {
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > limit) throw tooLarge(limit);
  if (!request.body) return '';

  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await discard(reader, limit * DRAIN_FACTOR);
      throw tooLarge(limit);
    }
    chunks.push(value);
  }

  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new HttpError(400, 'invalid_encoding', 'the body is not valid UTF-8');
  }
}
