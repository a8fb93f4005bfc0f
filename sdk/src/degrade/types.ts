/**
 * A feature's state as the page sees it: the protocol's FEATURE_STATES, spelled out here so
 * the published types do not depend on the unpublished protocol package
 * (`degradation.ts` checks at compile time that the two stay equal).
 */
export type FeatureState = 'ok' | 'degraded' | 'down';

/** What `feature(name)` returns and what the `lifeline:feature` DOM event carries. */
export interface FeatureStatus {
  state: FeatureState;
  /** The flag's message for customers, when ops wrote one. */
  message?: string;
  /**
   * What decided the state: `flag` (ops, through the edge) or `breaker` (the page's own
   * calls to the feature's backend kept failing). Absent while the feature has always been ok.
   */
  reason?: 'flag' | 'breaker';
}

/** When a feature's circuit breaker opens, and for how long. */
export interface BreakerOptions {
  /** Failed calls (network error, timeout, 5xx) within `windowMs` that open the breaker. @default 3 */
  failures?: number;
  /** @default 30000 */
  windowMs?: number;
  /** How long an open breaker answers calls itself before letting one probe through. @default 15000 */
  cooldownMs?: number;
  /**
   * How long a call may wait for its response before it counts as failed (once; the call
   * itself is left to the page and is not aborted). @default 10000
   */
  timeoutMs?: number;
}

/** Texts of the notice; a flag's own message replaces `degraded` and `down`. */
export interface NoticeTexts {
  degraded?: string;
  down?: string;
  /** The dismiss button's label. */
  dismiss?: string;
}

/**
 * The `init` options of graceful degradation. Each also takes its JSON text, which is how
 * script-tag attributes pass them (`data-features`, `data-breaker`, `data-texts`).
 */
export interface DegradeOptions {
  /**
   * Backend routes of each feature, for its circuit breaker: path prefixes on the page's
   * origin (`/api/orders`) or absolute URL prefixes and origins (`https://pay.example.com`).
   *
   * @example features: { checkout: ['/api/orders', '/api/pay'], search: ['https://search.example.com'] }
   */
  features?: Record<string, string[]> | string;
  breaker?: BreakerOptions | string;
  texts?: NoticeTexts | string;
}
