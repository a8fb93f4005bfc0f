/** The outcome of one HTTP attempt. */
export type PostResult =
  | { ok: true; status: number }
  | { ok: false; reason: string; retryable: boolean; retryAfterMs?: number };

export type PostWebhook = (request: { url: string; body: unknown; headers?: Record<string, string>; timeoutMs: number }) => Promise<PostResult>;

/**
 * Posts JSON once. 2xx is delivered; a network error, a timeout, 408, 429 and 5xx are worth
 * retrying; any other 4xx is not (the receiver refused this body and will again).
 *
 * @example await postWebhook({ url, body: { text: 'hi' }, timeoutMs: 5000 })
 */
export function createPostWebhook(fetchImpl: typeof fetch = fetch): PostWebhook {
  return async function postWebhook({ url, body, headers, timeoutMs }) {
    let res: Response;
    try {
      res = await fetchImpl(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'lifeline-collector', ...headers },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'error',
      });
    } catch (err) {
      const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
      const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
      return { ok: false, reason: timedOut ? `no answer within ${timeoutMs} ms` : `request failed${cause || (err instanceof Error ? `: ${err.message}` : '')}`, retryable: true };
    }
    // Drain the body so the connection can be reused; its content is not needed.
    await res.arrayBuffer().catch(() => undefined);
    if (res.ok) return { ok: true, status: res.status };
    const retryable = res.status === 408 || res.status === 429 || res.status >= 500;
    const retryAfter = Number(res.headers.get('retry-after'));
    return {
      ok: false,
      reason: `HTTP ${res.status}`,
      retryable,
      ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}),
    };
  };
}
