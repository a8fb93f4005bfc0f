import { parseRetryAfter } from './retry';

/** How one POST to the collector went. */
export type AttemptOutcome =
  | { kind: 'ok' }
  /** Network error, timeout, 408, 429 or 5xx: the same batch may be sent again. */
  | { kind: 'retryable'; reason: string; retryAfterMs?: number }
  /** 401/403: the edge's secret is wrong; retrying now will not help, later might. */
  | { kind: 'auth'; status: number; reason: string }
  /** Any other 4xx: the collector refused the batch itself. */
  | { kind: 'rejected'; status: number; reason: string };

export interface PostBatchOptions {
  /** Collector base URL, without a trailing slash. */
  url: string;
  secret: string;
  /** The serialized `CollectorBatch`; the same bytes on every try. */
  body: string;
  timeoutMs: number;
  /** @default globalThis.fetch, looked up per call */
  fetch?: typeof fetch;
}

/** The collector's `ErrorResponse.reason` when it sent one, for logs and the 502 answer. */
async function collectorReason(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  try {
    const reason = (JSON.parse(text) as { reason?: unknown }).reason;
    if (typeof reason === 'string') return `collector answered ${response.status}: ${reason.slice(0, 500)}`;
  } catch {
    // Not JSON: fall through to the status alone.
  }
  return `collector answered ${response.status}`;
}

/** One `POST {url}/v1/batch` with the bearer secret, classified for the retry loop. */
export async function postBatch(options: PostBatchOptions): Promise<AttemptOutcome> {
  const doFetch = options.fetch ?? fetch;
  let response: Response;
  try {
    response = await doFetch(`${options.url}/v1/batch`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${options.secret}` },
      body: options.body,
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (err) {
    const name = (err as Error).name;
    const reason =
      name === 'TimeoutError' || name === 'AbortError'
        ? `collector did not answer within ${options.timeoutMs} ms`
        : 'collector unreachable';
    return { kind: 'retryable', reason };
  }

  if (response.ok) {
    await response.body?.cancel();
    return { kind: 'ok' };
  }
  const status = response.status;
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
  const reason = await collectorReason(response);
  if (status === 408 || status === 429 || status >= 500) {
    return retryAfterMs === undefined ? { kind: 'retryable', reason } : { kind: 'retryable', reason, retryAfterMs };
  }
  if (status === 401 || status === 403) return { kind: 'auth', status, reason };
  return { kind: 'rejected', status, reason };
}
