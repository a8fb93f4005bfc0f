/**
 * Limits and constants of the Lifeline wire format.
 *
 * This module has no runtime dependencies (no zod), so the browser SDK may import it
 * through `@lifeline/protocol/limits` without pulling a validator into its bundle.
 * The edge enforces these limits, and the collector enforces them again.
 */

/** Version of the wire format; every batch carries it as `v`. */
export const PROTOCOL_VERSION = 1;

export const LIMITS = {
  /** Largest SDK batch body the edge accepts (bytes). Browsers cap keepalive bodies at 64 KiB in flight. */
  sdkBatchBytes: 256 * 1024,
  /** Most events in one SDK batch. */
  sdkBatchEvents: 500,
  /** Largest edge → collector batch body (bytes). */
  collectorBatchBytes: 16 * 1024 * 1024,
  /** Most events in one edge → collector batch. */
  collectorBatchEvents: 50_000,
  /** Longest error message, log message or flag message (characters). */
  message: 8192,
  /** Longest stack trace (characters). */
  stack: 32 * 1024,
  /** Longest URL, referrer or page title (characters). */
  url: 2048,
  /** Longest event, vital or feature name (characters). */
  name: 200,
  /** Longest identifier: session, anonymous, user, order or request ID (characters). */
  id: 128,
  /** Longest short label: release, environment, method, level, error type (characters). */
  label: 128,
  /** Most keys in a `props` or `attrs` map. */
  propKeys: 64,
  /** Longest key in a `props` or `attrs` map (characters). */
  propKey: 128,
  /** Longest string value in a `props` or `attrs` map (characters). */
  propValue: 1024,
  /** Most records in one backend `POST /v1/logs` body. */
  logsPerRequest: 10_000,
  /**
   * Largest backend log body (bytes): `POST /v1/logs` and the OTLP/HTTP JSON endpoints,
   * measured after gzip is undone. OpenTelemetry exporters send 512 records per request by default.
   */
  logsRequestBytes: 4 * 1024 * 1024,
  /** Most parsed stack frames kept on an error. */
  frames: 50,
  /**
   * Largest single event as the edge forwards it, enriched (bytes of its JSON), whichever
   * way it forwards: one Cloudflare Queue message (128 KB) must hold it. The edge refuses
   * a bigger one by its index; the SDK gives up an event over `eventBytes - enrichmentBytes`
   * rather than send it to be refused.
   */
  eventBytes: 110_000,
  /** What the edge's enrichment (project, received_at, country, user agent) can add to an event (bytes). */
  enrichmentBytes: 4096,
} as const;

/** The event kinds of the vocabulary (see docs/architecture.md). */
export const EVENT_KINDS = ['pageview', 'track', 'error', 'vital', 'network', 'log', 'degrade', 'flag'] as const;

/** The kinds a browser may send; `log` comes from backends and `flag` from the edge. */
export const BROWSER_EVENT_KINDS = ['pageview', 'track', 'error', 'vital', 'network', 'degrade'] as const;

/** A feature's state: `ok`, `degraded` (works partly) or `down` (fallback shown instead). */
export const FEATURE_STATES = ['ok', 'degraded', 'down'] as const;

/** Web vitals the SDK reports. */
export const VITAL_NAMES = ['LCP', 'INP', 'CLS', 'FCP', 'TTFB'] as const;

/** Ratings web-vitals assigns. */
export const VITAL_RATINGS = ['good', 'needs-improvement', 'poor'] as const;

/** Log levels, lowest first. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;

/** Header carrying the request ID on calls to the store's backends. */
export const REQUEST_ID_HEADER = 'X-Request-Id';

/** Keys refused in any user-supplied map: they pollute prototypes when copied naively. */
export const FORBIDDEN_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype'];

export type EventKind = (typeof EVENT_KINDS)[number];
export type BrowserEventKind = (typeof BROWSER_EVENT_KINDS)[number];
export type FeatureState = (typeof FEATURE_STATES)[number];
export type VitalName = (typeof VITAL_NAMES)[number];
export type VitalRating = (typeof VITAL_RATINGS)[number];
export type LogLevel = (typeof LOG_LEVELS)[number];
