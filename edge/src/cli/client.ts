import {
  REQUEST_ID_HEADER,
  ErrorResponse,
  FlagChangeResponse,
  FlagHistoryResponse,
  FlagsResponse,
  type FlagChange,
} from '@lifeline/protocol';
import { CliError } from './errors';

export interface OpsClientOptions {
  /** The edge's base URL, e.g. `http://127.0.0.1:8787`. */
  edgeUrl: string;
  token: string;
  /** Sent as `?project=`; the edge refuses it unless it is the token's project. */
  project?: string;
  /** Per request. @default 10000 */
  timeoutMs?: number;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
}

/** Any protocol schema: the client only needs its `safeParse`. */
interface Schema<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false };
}

/** What the edge answered on a 4xx/5xx, in words an operator can act on. */
async function refusal(response: Response, what: string): Promise<CliError> {
  const text = await response.text().catch(() => '');
  let detail = `HTTP ${response.status}`;
  try {
    const body = ErrorResponse.parse(JSON.parse(text));
    detail = `${response.status} ${body.error}: ${body.reason}`;
    for (const issue of body.issues ?? []) detail += `\n  ${issue.path}: ${issue.message}`;
  } catch {
    // Not an ErrorResponse (a proxy's page, say): the status alone has to do.
  }
  const hint =
    response.status === 401 || response.status === 403
      ? '\n  check LIFELINE_OPS_TOKEN: it must be the token part of a project:label:token entry of the edge\'s LIFELINE_OPS_TOKENS'
      : '';
  return new CliError(`the edge refused to ${what} (${detail})${hint}`);
}

/**
 * The ops API, from Node: every answer is checked against the protocol's schema, and
 * every failure becomes a `CliError` naming what went wrong (unreachable edge, a refused
 * token, a validation error with its issues).
 *
 * @example const client = createOpsClient({ edgeUrl: 'http://127.0.0.1:8787', token })
 */
export function createOpsClient(options: OpsClientOptions) {
  const base = options.edgeUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 10_000;

  function url(path: string, query: Record<string, string> = {}): string {
    const params = new URLSearchParams(query);
    if (options.project) params.set('project', options.project);
    const qs = params.toString();
    return `${base}${path}${qs ? `?${qs}` : ''}`;
  }

  async function send(what: string, path: string, init: RequestInit & { query?: Record<string, string> } = {}): Promise<Response> {
    const { query, ...rest } = init;
    let response: Response;
    try {
      response = await doFetch(url(path, query), {
        ...rest,
        headers: {
          Authorization: `Bearer ${options.token}`,
          // A change's request ID goes on its flag event; printing it lets ops find the flip in the timeline.
          ...(rest.method === 'PUT' || rest.method === 'DELETE' ? { [REQUEST_ID_HEADER]: crypto.randomUUID() } : {}),
          ...(rest.body ? { 'Content-Type': 'application/json' } : {}),
        },
        signal: rest.signal ?? AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      const cause = (err as Error & { cause?: { code?: string; message?: string } }).cause;
      const reason = (err as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs / 1000} s` : (cause?.code ?? cause?.message ?? (err as Error).message);
      throw new CliError(`cannot reach the edge at ${base} (${reason}); is it running? Set LIFELINE_EDGE_URL to its address`);
    }
    if (!response.ok) throw await refusal(response, what);
    return response;
  }

  async function json<T>(schema: Schema<T>, what: string, path: string, init?: RequestInit & { query?: Record<string, string> }): Promise<T> {
    const response = await send(what, path, init);
    const parsed = schema.safeParse(await response.json().catch(() => undefined));
    if (!parsed.success) throw new CliError(`the edge at ${base} answered something unexpected to ${what}; is LIFELINE_EDGE_URL a Lifeline edge?`);
    return parsed.data;
  }

  return {
    edgeUrl: base,
    list: () => json(FlagsResponse, 'list the flags', '/v1/flags'),
    set: (feature: string, change: FlagChange) =>
      json(FlagChangeResponse, `set ${feature}`, `/v1/flags/${encodeURIComponent(feature)}`, { method: 'PUT', body: JSON.stringify(change) }),
    clear: (feature: string) => json(FlagChangeResponse, `clear ${feature}`, `/v1/flags/${encodeURIComponent(feature)}`, { method: 'DELETE' }),
    history: (limit: number) => json(FlagHistoryResponse, 'read the history', '/v1/flags/history', { query: { limit: String(limit) } }),
    /** The project's status stream; the caller reads it until `signal` aborts. */
    async stream(signal: AbortSignal): Promise<ReadableStream<Uint8Array>> {
      const response = await send('open the flag stream', '/v1/flags/stream', { signal });
      if (!response.body) throw new CliError('the edge sent an empty stream');
      return response.body;
    },
  };
}

export type OpsClient = ReturnType<typeof createOpsClient>;
