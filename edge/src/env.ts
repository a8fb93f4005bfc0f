import type { CollectorBatch } from '@lifeline/protocol';
import type { Config } from './config';
import type { FlagsObject } from './flags/object';
import type { OpsIdentity } from './ops/tokens';

/** The string vars of wrangler.jsonc, parsed once per isolate by `loadConfig`. */
export interface Vars {
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
  /**
   * Comma-separated `project:label:token` triples (or `project:label:token:until`, epoch ms) for the ops API. A secret outside
   * development (`wrangler secret put LIFELINE_OPS_TOKENS`). Without it the ops API is closed.
   */
  LIFELINE_OPS_TOKENS?: string;
  /** Events per second and burst per public ingest key, `<per second>:<burst>` or `off`. */
  LIFELINE_RATE_KEY?: string;
  /** Requests per second and burst per client (IP and User-Agent), `<per second>:<burst>` or `off`. */
  LIFELINE_RATE_CLIENT?: string;
}

/** The worker's bindings, as declared in wrangler.jsonc. */
export interface Bindings extends Vars {
  /** One `FlagsObject` per project (`idFromName(project)`): flags, audit history, status streams. */
  FLAGS: DurableObjectNamespace<FlagsObject>;
  /** Bound only in the `queue` environment: batches go onto the queue instead of a fetch. */
  LIFELINE_QUEUE?: Queue<CollectorBatch>;
}

/** Hono's environment type for this app. */
export interface AppEnv {
  Bindings: Bindings;
  Variables: {
    config: Config;
    /** Set by `opsAuth` on the ops routes: the project and label of the caller's token. */
    ops: OpsIdentity;
  };
}
