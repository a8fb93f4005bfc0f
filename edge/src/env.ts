import type { CollectorBatch } from '@lifeline/protocol';
import type { Config } from './config';

/**
 * The worker's bindings, as declared in wrangler.jsonc. Vars arrive as strings and are
 * parsed once per isolate by `loadConfig`.
 */
export interface Bindings {
  /** Comma-separated `publicKey:project` pairs. */
  LIFELINE_KEYS: string;
  /** Base URL of the collector; batches go to `${url}/v1/batch`. */
  LIFELINE_COLLECTOR_URL: string;
  /** Bearer secret the collector expects. Set with `wrangler secret put` outside development. */
  LIFELINE_COLLECTOR_SECRET: string;
  /** `*` or a comma-separated list of browser origins. */
  LIFELINE_ALLOWED_ORIGINS: string;
  /** Comma-separated feature names served by `/v1/status`. */
  LIFELINE_FEATURES: string;
  /** Bound only in the `queue` environment: batches go onto the queue instead of a fetch. */
  LIFELINE_QUEUE?: Queue<CollectorBatch>;
}

/** Hono's environment type for this app. */
export interface AppEnv {
  Bindings: Bindings;
  Variables: { config: Config };
}
