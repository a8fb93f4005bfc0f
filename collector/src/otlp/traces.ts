import { LIMITS } from '@lifeline/protocol';
import { otlpId, nanosToMs } from './ids';
import { buildLogEvent, collect, refuseShape, type MapContext, type MappedRequest } from './mapped';
import { joinIds, resourceInfo, type ResourceInfo } from './resource';
import { attributeMap, attributeString, cut, toProps } from './values';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

const SPAN_KINDS = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];
const STATUS = ['unset', 'ok', 'error'];

/** An OTLP enum sent as its number or its name (`SPAN_KIND_SERVER`, `STATUS_CODE_ERROR`). */
function enumName(v: unknown, names: string[], prefix: string): string {
  if (typeof v === 'number' && names[v]) return names[v]!;
  if (typeof v === 'string' && v.startsWith(prefix)) {
    const name = v.slice(prefix.length).toLowerCase();
    if (names.includes(name)) return name;
  }
  return names[0]!;
}

/** A nanosecond timestamp as a BigInt; undefined for garbage and for numbers that are not finite (JSON's `1e999` parses to Infinity). */
const nanosBig = (v: unknown): bigint | undefined =>
  typeof v === 'string' && /^\d+$/.test(v) ? BigInt(v) : typeof v === 'number' && Number.isFinite(v) ? BigInt(Math.trunc(v)) : undefined;

/** Milliseconds between two nanosecond timestamps, exact to the nanosecond (64-bit values). */
function durationMs(start: unknown, end: unknown): number | undefined {
  const s = nanosBig(start);
  const e = nanosBig(end);
  if (s === undefined || e === undefined || e < s || s === 0n) return undefined;
  return Number(e - s) / 1e6;
}

/**
 * Maps an OTLP/JSON `ExportTraceServiceRequest` to `log` events, so a backend's spans sit
 * on the same timeline as the browser's calls, joined by trace ID (the SDK's
 * `traceparent`) or request ID:
 *
 * - each span → one `log` event at its start: message = span name, level `error` when its
 *   status is ERROR (else `info`), trace_id, and props `span_id`, `parent_span_id`,
 *   `span_kind`, `duration_ms`, `status`, `status_message` plus the span's attributes;
 * - each span event (an `exception`, a retry…) → one more `log` event at its time, level
 *   `error` for exceptions, message `<exception.type>: <exception.message>` or its name.
 *
 * Spans are not stored as `network` events: those are the browser's own calls, and RED
 * metrics over them would count each request twice. The event ID derives from the trace
 * and span IDs, so a span exported twice is stored once.
 *
 * @returns null when the body is not an export request at all (answered 400)
 */
export function mapOtlpTraces(body: unknown, ctx: MapContext): MappedRequest | null {
  if (!isObject(body) || (body.resourceSpans !== undefined && !Array.isArray(body.resourceSpans))) return null;
  const result: MappedRequest = { events: [], rejected: 0, errors: [] };
  for (const rs of list(body.resourceSpans)) {
    if (!isObject(rs)) {
      refuseShape(result, 'a resourceSpans entry');
      continue;
    }
    const resource = resourceInfo(rs.resource);
    for (const ss of list(rs.scopeSpans)) {
      if (!isObject(ss)) {
        refuseShape(result, 'a scopeSpans entry');
        continue;
      }
      for (const span of list(ss.spans)) {
        if (!isObject(span)) refuseShape(result, 'a span');
        else mapSpan(span, resource, ctx, result);
      }
    }
  }
  return result;
}

function mapSpan(span: Record<string, unknown>, resource: ResourceInfo, ctx: MapContext, result: MappedRequest): void {
  const attributes = attributeMap(span.attributes);
  const traceId = otlpId(span.traceId, 16);
  const spanId = otlpId(span.spanId, 8);
  const status = isObject(span.status) ? span.status : {};
  const statusName = enumName(status.code, STATUS, 'STATUS_CODE_');
  const name = typeof span.name === 'string' ? span.name : '';
  const ids = joinIds(attributes);
  const start = nanosToMs(span.startTimeUnixNano);
  collect(
    result,
    buildLogEvent(
      {
        ts: start,
        level: statusName === 'error' ? 'error' : 'info',
        message: cut(name, LIMITS.message),
        traceId,
        resource,
        ids,
        props: toProps(
          {
            'lifeline.source': 'otlp-span',
            span_id: spanId,
            parent_span_id: otlpId(span.parentSpanId, 8),
            span_kind: enumName(span.kind, SPAN_KINDS, 'SPAN_KIND_'),
            duration_ms: durationMs(span.startTimeUnixNano, span.endTimeUnixNano),
            status: statusName,
            status_message: typeof status.message === 'string' && status.message ? cut(status.message, LIMITS.propValue) : undefined,
          },
          attributes,
        ),
        givenId: attributeString(attributes, 'lifeline.event_id'),
        identity: traceId && spanId ? { trace: traceId, span: spanId } : { service: resource.service, span },
      },
      ctx,
    ),
  );

  for (const [i, ev] of list(span.events).entries()) {
    if (!isObject(ev)) {
      refuseShape(result, 'a span event');
      continue;
    }
    const evAttributes = attributeMap(ev.attributes);
    const evName = typeof ev.name === 'string' ? ev.name : '';
    const exception = evName === 'exception';
    const text = exception
      ? [attributeString(evAttributes, 'exception.type'), attributeString(evAttributes, 'exception.message')].filter(Boolean).join(': ') || evName
      : evName;
    collect(
      result,
      buildLogEvent(
        {
          ts: nanosToMs(ev.timeUnixNano) ?? start,
          level: exception ? 'error' : 'info',
          message: cut(text, LIMITS.message),
          traceId,
          resource,
          ids: { ...ids, ...joinIds(evAttributes) },
          props: toProps({ 'lifeline.source': 'otlp-span-event', span_id: spanId, span_name: cut(name, LIMITS.propValue) }, evAttributes),
          givenId: undefined,
          identity: traceId && spanId ? { trace: traceId, span: spanId, event: i, name: evName, time: ev.timeUnixNano } : { service: resource.service, span, event: i },
        },
        ctx,
      ),
    );
  }
}
