import { LIMITS } from '@lifeline/protocol/limits';
import { clip } from './lib/clip.js';

/** Options for `init`. */
export interface InitOptions {
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
}

/** Options checked and completed once, at init. */
export interface ResolvedOptions {
  key: string;
  /** `{endpoint}/v1/events`. */
  url: string;
  release?: string;
  environment?: string;
  debug: boolean;
}

const label = (value: unknown) => (typeof value === 'string' && value ? clip(value, LIMITS.label) : undefined);

/**
 * Checks what the page passed to `init` (it may be anything) and returns the options,
 * or the reason they cannot be used.
 */
export function resolveOptions(input: unknown): ResolvedOptions | string {
  const o = (input ?? {}) as Partial<Record<keyof InitOptions, unknown>>;
  const key = typeof o.key === 'string' ? o.key.trim() : '';
  const endpoint = typeof o.endpoint === 'string' ? o.endpoint.trim() : '';
  if (!key || key.length > LIMITS.label) return `init needs a key (a non-empty string of at most ${LIMITS.label} characters)`;
  if (!endpoint) return 'init needs an endpoint (the base URL of the Lifeline edge)';
  return {
    key,
    url: `${endpoint.replace(/\/+$/, '')}/v1/events`,
    release: label(o.release),
    environment: label(o.environment),
    debug: o.debug === true,
  };
}
