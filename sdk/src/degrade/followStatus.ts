import type { STATUS_EVENT, StatusResponse } from '@lifeline/protocol';
import { safely } from '../lib/safely.js';
import { backoffDelay } from '../transport/backoffDelay.js';

/** The protocol's STATUS_EVENT; its runtime module brings zod, so the type keeps the two equal. */
const EVENT: typeof STATUS_EVENT = 'status';

export interface FollowOptions {
  /** `{endpoint}/v1/status?key=…`; the stream is `{endpoint}/v1/status/stream?key=…`. */
  url: string;
  /** Called with every status received, in arrival order (which may not be version order). */
  onStatus(status: StatusResponse): void;
  /** The `fetch` to poll with; none means the stream alone. */
  fetch?: typeof fetch;
  /** @default 30000 */
  pollMs?: number;
}

/**
 * Keeps the flags fresh: one poll now, then the Server-Sent Events stream. When the
 * stream fails (or EventSource is missing) it polls every `pollMs` and retries the stream
 * with backoff; the stream's first message stops the polling. An unreachable edge is
 * never reported: the caller keeps what it knew.
 *
 * Polls use `cache: 'no-cache'`, so the browser revalidates with `If-None-Match` from its
 * own cache and a 304 reaches us as the cached 200. Setting the header by hand would make
 * every poll a CORS preflight.
 */
export function followStatus({ url, onStatus, fetch: get, pollMs = 30000 }: FollowOptions): void {
  let poller: ReturnType<typeof setInterval> | undefined;
  let failures = 0;
  const poll = () => {
    get?.(url, { cache: 'no-cache', credentials: 'omit' })
      .then((r) => r.ok && r.json())
      .then((s?: StatusResponse | false) => s && onStatus(s))
      .catch(() => {});
  };
  const polling = (on: boolean) => {
    clearInterval(poller);
    poller = on ? setInterval(poll, pollMs) : undefined;
  };
  const stream = () => {
    const source = new EventSource(url.replace('?', '/stream?'));
    source.addEventListener(EVENT, (e) =>
      safely(() => {
        failures = 0;
        polling(false);
        onStatus(JSON.parse((e as MessageEvent<string>).data) as StatusResponse);
      }),
    );
    // EventSource reconnects by itself only after a dropped connection, not after an
    // error status; closing and retrying ourselves covers both, with backoff.
    source.onerror = () => {
      source.close();
      if (!poller) {
        poll();
        polling(true);
      }
      setTimeout(stream, backoffDelay(++failures));
    };
  };
  poll();
  if (typeof EventSource == 'function') stream();
  else polling(true);
}
