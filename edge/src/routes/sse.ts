import type { Context } from 'hono';

/**
 * Headers of a Server-Sent Events answer. `no-transform` keeps proxies from compressing or
 * buffering the stream; `X-Accel-Buffering: no` does the same for nginx in front of a
 * self-hosted setup.
 */
const SSE_HEADERS = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache, no-transform',
  'X-Accel-Buffering': 'no',
};

/** Answers with an SSE stream, keeping headers already set on `c` (CORS). */
export function sseResponse(c: Context, stream: ReadableStream<Uint8Array>): Response {
  return c.body(stream, 200, SSE_HEADERS);
}
