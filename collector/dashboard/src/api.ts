/** A refused or failed API call, with the collector's error code and reason. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export type Params = Record<string, string | number | boolean | undefined>;

export interface Api {
  /** GETs `path` with `params`; answers are cached for a short while so switching views is instant. */
  get<T>(path: string, params?: Params): Promise<T>;
  /** The cached answer of that GET if another view asked for it a moment ago; nothing is sent. */
  peek<T>(path: string, params?: Params): Promise<T> | undefined;
  post<T>(path: string, body: unknown): Promise<T>;
  /** The path and query string of a GET, as sent (never with the token). */
  url(path: string, params?: Params): string;
}

const CACHE_MS = 30_000;

/**
 * The collector's API with the read token as `Authorization: Bearer`. A 401 or 403 calls
 * `onRefused` (the page signs out and asks again) and rejects.
 */
export function createApi(token: string, onRefused: (reason: string) => void): Api {
  const cache = new Map<string, { at: number; value: Promise<unknown> }>();

  const url = (path: string, params: Params = {}) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
    const s = q.toString();
    return s ? `${path}?${s}` : path;
  };

  const peek = <T>(target: string): Promise<T> | undefined => {
    const hit = cache.get(target);
    return hit && Date.now() - hit.at < CACHE_MS ? (hit.value as Promise<T>) : undefined;
  };

  async function send<T>(target: string, init: RequestInit): Promise<T> {
    const res = await fetch(target, { ...init, headers: { ...init.headers, authorization: `Bearer ${token}`, accept: 'application/json' }, credentials: 'omit', cache: 'no-store' });
    const body = (await res.json().catch(() => ({}))) as { error?: string; reason?: string };
    if (res.ok) return body as T;
    const reason = body.reason ?? `HTTP ${res.status}`;
    if (res.status === 401 || res.status === 403) onRefused(reason);
    throw new ApiError(res.status, body.error ?? 'error', reason);
  }

  return {
    url,
    get<T>(path: string, params?: Params) {
      const target = url(path, params);
      const hit = peek<T>(target);
      if (hit) return hit;
      const value = send<T>(target, { method: 'GET' });
      cache.set(target, { at: Date.now(), value });
      value.catch(() => cache.delete(target));
      return value;
    },
    peek: <T>(path: string, params?: Params) => peek<T>(url(path, params)),
    post<T>(path: string, body: unknown) {
      cache.clear();
      return send<T>(path, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    },
  };
}
