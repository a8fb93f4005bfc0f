import { LIMITS } from '@lifeline/protocol/limits';
import type { Integration } from './core/types.js';
import type { DegradeOptions } from './degrade/types.js';
import { clip } from './lib/clip.js';
import { readOption } from './lib/readOption.js';

/**
 * An event as it is about to leave the page, as `beforeSend` sees it. Its fields are the
 * protocol's `BrowserEvent` for its `kind` (see docs/sdk.md, "What every event carries").
 */
export interface LifelineEvent {
  kind: string;
  event_id: string;
  ts: number;
  [field: string]: unknown;
}

/**
 * Options for `init`. Script-tag attributes (`data-*`) map to the same names. `features`,
 * `breaker` and `texts` configure graceful degradation (docs/degradation.md).
 */
export interface InitOptions extends DegradeOptions {
  /** The project's public ingest key. Required. */
  key: string;
  /**
   * Base URL of the Lifeline edge, e.g. `https://edge.example.com`; batches are posted to
   * `{endpoint}/v1/events`. Required.
   */
  endpoint: string;
  /** Version of the store's frontend (a tag or commit), sent with every event. */
  release?: string;
  /** Where the store runs (`production`, `staging`…), sent with every event. */
  environment?: string;
  /** Log to the console what the SDK does and why it drops anything. @default false */
  debug?: boolean;
  /**
   * Origins besides the page's own whose calls get `X-Request-Id` and `traceparent`
   * (they must allow these headers in CORS). An array, or a string of origins separated
   * by spaces or commas. @default []
   * @example ['https://api.example.com']
   */
  propagateTo?: string[] | string;
  /**
   * Share of events kept, per kind, from 0 to 1; kinds not listed keep everything. For
   * `network`, failed and slow calls are always kept and the rate samples the rest.
   * A JSON string is accepted too (`data-sample-rate='{"network":0.5}'`).
   * @default { network: 0.1 }
   */
  sampleRate?: Partial<Record<'pageview' | 'track' | 'error' | 'vital' | 'network' | 'degrade', number>> | string;
  /** A call taking longer than this many milliseconds is recorded as slow. @default 2000 */
  slowMs?: number | string;
  /** Also record `console.error(...)` calls as errors (`mechanism: 'console'`). @default false */
  captureConsole?: boolean | string;
  /**
   * `false` (or `'pending'`) starts without consent: nothing is stored or sent, and events
   * wait in memory until `consent(true)` (sent) or `consent(false)` (discarded).
   * @default true
   */
  consent?: boolean | 'pending';
  /**
   * Called with every event before it is queued; return it (changed or not) to send it,
   * or null to drop it. Personal data is scrubbed after this step, so whatever it returns
   * is scrubbed too. An exception drops the event.
   */
  beforeSend?: (event: LifelineEvent) => LifelineEvent | null;
  /** Capture modules to add, e.g. `[vitalsCapture(), networkCapture()]` from the subpath imports. */
  integrations?: Integration[];
}

/** Options checked and completed once, at init. */
export interface ResolvedOptions {
  key: string;
  /** The endpoint without a trailing slash; nothing under it is instrumented. */
  endpoint: string;
  /** `{endpoint}/v1/events`. */
  url: string;
  release?: string;
  environment?: string;
  debug: boolean;
  /** Origins (scheme, host and port, no trailing slash) that get request-ID headers besides the page's own. */
  propagateTo: string[];
  sampleRate: Record<string, number>;
  slowMs: number;
  captureConsole: boolean;
  /** true: granted; undefined: pending. */
  consent?: true;
  beforeSend?: (event: LifelineEvent) => LifelineEvent | null;
  integrations: Integration[];
}

const text = (value: unknown) => (typeof value == 'string' ? value.trim() : '');

/** A non-empty string cut to the protocol's label limit, or undefined. */
const label = (value: unknown) => (typeof value == 'string' && clip(value, LIMITS.label)) || undefined;

/** true, or the attribute text "" or "true" (a bare `data-debug` is on). */
const flag = (value: unknown) => [true, '', 'true'].includes(value as string);

/**
 * Checks what the page passed to `init` (it may be anything, including the text of
 * `data-*` attributes) and returns the options, or the reason they cannot be used.
 */
export function resolveOptions(input: unknown): ResolvedOptions | string {
  const o = (input ?? {}) as Partial<Record<keyof InitOptions, any>>;
  const key = text(o.key);
  const endpoint = text(o.endpoint).replace(/\/+$/, '');
  if (!key || key.length > LIMITS.label || !endpoint) return `init needs a key (at most ${LIMITS.label} characters) and an endpoint`;
  const sampleRate: Record<string, number> = { network: 0.1 };
  for (const [kind, rate] of Object.entries<number>(readOption(o.sampleRate) ?? {})) if (rate >= 0 && rate <= 1) sampleRate[kind] = +rate;
  const slowMs = +(o.slowMs ?? NaN);
  const propagateTo: unknown[] = typeof o.propagateTo == 'string' ? o.propagateTo.split(/[\s,]+/) : Array.isArray(o.propagateTo) ? o.propagateTo : [];
  return {
    key,
    endpoint,
    url: `${endpoint}/v1/events`,
    release: label(o.release),
    environment: label(o.environment),
    debug: flag(o.debug),
    // Origins as written (`https://api.example.com`), from an array or a list in one string.
    propagateTo: propagateTo.map((x) => String(x).replace(/\/+$/, '')),
    sampleRate,
    slowMs: slowMs >= 0 ? slowMs : 2000,
    captureConsole: flag(o.captureConsole),
    consent: [false, 'false', 'pending'].includes(o.consent) ? undefined : true,
    beforeSend: typeof o.beforeSend == 'function' ? o.beforeSend : undefined,
    integrations: Array.isArray(o.integrations) ? o.integrations : [],
  };
}
