import { z } from 'zod';
import { FEATURE_STATES, LIMITS, LOG_LEVELS, VITAL_NAMES, VITAL_RATINGS } from './limits';
import { epochMs, eventId, featureName, nonEmpty, props, text, traceId } from './primitives';

/**
 * Fields every event carries. Wire keys are snake_case and match the collector's columns.
 * `ts` is the client's clock in epoch milliseconds; the edge adds `received_at`.
 */
const base = {
  event_id: eventId,
  ts: epochMs,
  session_id: text(LIMITS.id).optional(),
  anon_id: text(LIMITS.id).optional(),
  user_id: text(LIMITS.id).optional(),
  url: text(LIMITS.url).optional(),
  release: text(LIMITS.label).optional(),
  environment: text(LIMITS.label).optional(),
  request_id: text(LIMITS.id).optional(),
  trace_id: traceId.optional(),
  order_id: text(LIMITS.id).optional(),
};

const frame = z.object({
  fn: text(LIMITS.name).optional(),
  file: text(LIMITS.url).optional(),
  line: z.number().int().nonnegative().optional(),
  col: z.number().int().nonnegative().optional(),
});

export const PageviewEvent = z.object({
  ...base,
  kind: z.literal('pageview'),
  url: text(LIMITS.url),
  referrer: text(LIMITS.url).optional(),
  title: text(LIMITS.url).optional(),
});

export const TrackEvent = z.object({
  ...base,
  kind: z.literal('track'),
  name: nonEmpty(LIMITS.name),
  props: props.optional(),
});

export const ErrorEvent = z.object({
  ...base,
  kind: z.literal('error'),
  message: text(LIMITS.message),
  error_type: text(LIMITS.label).optional(),
  stack: text(LIMITS.stack).optional(),
  frames: z.array(frame).max(LIMITS.frames).optional(),
  fingerprint: text(LIMITS.id).optional(),
  handled: z.boolean().optional(),
  /** How the error was caught: `onerror`, `unhandledrejection`, `resource`, `console`, `manual`. */
  mechanism: text(LIMITS.label).optional(),
  props: props.optional(),
});

export const VitalEvent = z.object({
  ...base,
  kind: z.literal('vital'),
  name: z.enum(VITAL_NAMES),
  value: z.number().finite().nonnegative(),
  rating: z.enum(VITAL_RATINGS).optional(),
  nav_type: text(LIMITS.label).optional(),
  target: text(LIMITS.url).optional(),
});

export const NetworkEvent = z.object({
  ...base,
  kind: z.literal('network'),
  method: nonEmpty(LIMITS.label),
  url: text(LIMITS.url),
  /** HTTP status; 0 when the call failed before a response (network error, abort, timeout). */
  status: z.number().int().min(0).max(999),
  duration_ms: z.number().finite().nonnegative(),
  message: text(LIMITS.message).optional(),
});

export const DegradeEvent = z.object({
  ...base,
  kind: z.literal('degrade'),
  feature: featureName,
  state: z.enum(FEATURE_STATES),
  reason: z.enum(['flag', 'breaker']),
  message: text(LIMITS.message).optional(),
});

export const LogEvent = z.object({
  ...base,
  kind: z.literal('log'),
  level: z.enum(LOG_LEVELS),
  message: text(LIMITS.message),
  /** The backend service that wrote the log. */
  service: text(LIMITS.label).optional(),
  props: props.optional(),
});

export const FlagEvent = z.object({
  ...base,
  kind: z.literal('flag'),
  feature: featureName,
  state: z.enum(FEATURE_STATES),
  from_state: z.enum(FEATURE_STATES),
  message: text(LIMITS.message).optional(),
  /** Label of the ops token that made the change. */
  actor: text(LIMITS.label).optional(),
});

/** What a browser may send. */
export const BrowserEvent = z.discriminatedUnion('kind', [
  PageviewEvent,
  TrackEvent,
  ErrorEvent,
  VitalEvent,
  NetworkEvent,
  DegradeEvent,
]);

/** Any event of the vocabulary. */
export const AnyEvent = z.discriminatedUnion('kind', [
  PageviewEvent,
  TrackEvent,
  ErrorEvent,
  VitalEvent,
  NetworkEvent,
  DegradeEvent,
  LogEvent,
  FlagEvent,
]);

/** What the edge (or a backend) adds before an event is stored. */
export const Enrichment = z.object({
  project: nonEmpty(LIMITS.label),
  received_at: epochMs,
  /** ISO 3166 country code from the edge's view of the request; never the IP itself. */
  country: text(8).optional(),
  user_agent: text(LIMITS.url).optional(),
});

/** An event as the collector stores and returns it. */
export const StoredEvent = z.intersection(AnyEvent, Enrichment);

export type PageviewEvent = z.infer<typeof PageviewEvent>;
export type TrackEvent = z.infer<typeof TrackEvent>;
export type ErrorEvent = z.infer<typeof ErrorEvent>;
export type VitalEvent = z.infer<typeof VitalEvent>;
export type NetworkEvent = z.infer<typeof NetworkEvent>;
export type DegradeEvent = z.infer<typeof DegradeEvent>;
export type LogEvent = z.infer<typeof LogEvent>;
export type FlagEvent = z.infer<typeof FlagEvent>;
export type BrowserEvent = z.infer<typeof BrowserEvent>;
export type AnyEvent = z.infer<typeof AnyEvent>;
export type Enrichment = z.infer<typeof Enrichment>;
export type StoredEvent = z.infer<typeof StoredEvent>;
export type StackFrame = z.infer<typeof frame>;
