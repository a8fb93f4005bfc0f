import { StoredEvent, describeIssues, eventId, type LogLevel, type Props } from '@lifeline/protocol';
import { deriveEventId } from '../ingest/derive-event-id';
import type { JoinIds, ResourceInfo } from './resource';

/** What one OTLP request became: events to store, and what was refused (partial success). */
export interface MappedRequest {
  events: StoredEvent[];
  rejected: number;
  /** The first few reasons, for the partial-success `errorMessage`. */
  errors: string[];
}

/** Where the events of one request go. */
export interface MapContext {
  project: string;
  receivedAt: number;
}

/** Largest ts accepted as a time (the protocol's epoch limit); beyond it, `received_at`. */
const MAX_MS = 8.64e15;

export interface LogEventParts {
  ts: number | undefined;
  level: LogLevel;
  message: string;
  traceId: string | undefined;
  resource: ResourceInfo;
  ids: JoinIds;
  props: Props | undefined;
  /** A client-given event ID attribute, used when it is a valid UUID. */
  givenId: string | undefined;
  /** What the derived ID is made from when there is no given one. */
  identity: unknown;
}

/**
 * Builds a `log` event from its parts and checks it against the protocol, so OTLP input is
 * held to the same rules as every other event. Returns the event, or the reason it is refused.
 */
export function buildLogEvent(parts: LogEventParts, ctx: MapContext): StoredEvent | string {
  const ts = parts.ts !== undefined && parts.ts <= MAX_MS ? parts.ts : ctx.receivedAt;
  const id = parts.givenId && eventId.safeParse(parts.givenId).success ? parts.givenId : deriveEventId(ctx.project, parts.identity);
  const candidate = {
    kind: 'log',
    event_id: id,
    ts,
    level: parts.level,
    message: parts.message,
    ...parts.resource,
    ...parts.ids,
    ...(parts.traceId ? { trace_id: parts.traceId } : {}),
    ...(parts.props ? { props: parts.props } : {}),
    project: ctx.project,
    received_at: ctx.receivedAt,
  };
  const checked = StoredEvent.safeParse(candidate);
  return checked.success ? checked.data : describeIssues(checked.error).reason;
}

/** Adds one outcome of `buildLogEvent` to a request's result. */
export function collect(result: MappedRequest, outcome: StoredEvent | string): void {
  if (typeof outcome !== 'string') result.events.push(outcome);
  else {
    result.rejected++;
    if (result.errors.length < 5) result.errors.push(outcome);
  }
}

/** Counts an input item that is not even the right shape. */
export function refuseShape(result: MappedRequest, what: string): void {
  collect(result, `${what} is not an object`);
}
