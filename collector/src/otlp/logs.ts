import { LIMITS } from '@lifeline/protocol';
import { otlpId, nanosToMs } from './ids';
import { buildLogEvent, collect, refuseShape, type MapContext, type MappedRequest } from './mapped';
import { joinIds, resourceInfo } from './resource';
import { severityLevel } from './severity';
import { attributeMap, attributeString, cut, toProps, valueText } from './values';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/**
 * Maps an OTLP/JSON `ExportLogsServiceRequest` to `log` events:
 *
 * - `severityNumber` (or `severityText`) → level; `body` → message (non-string bodies as JSON);
 * - `timeUnixNano`, else `observedTimeUnixNano`, else the time it arrived → ts;
 * - `traceId` → trace_id (lowercase hex), `spanId` → props.span_id;
 * - resource `service.name` / `service.version` / `deployment.environment.name` → service,
 *   release, environment;
 * - attributes → props, and the request, session, user and order IDs read from them;
 * - the event ID from a `lifeline.event_id` attribute, else derived from the record, so a
 *   re-exported record is stored once.
 *
 * @returns null when the body is not an export request at all (answered 400)
 */
export function mapOtlpLogs(body: unknown, ctx: MapContext): MappedRequest | null {
  if (!isObject(body) || (body.resourceLogs !== undefined && !Array.isArray(body.resourceLogs))) return null;
  const result: MappedRequest = { events: [], rejected: 0, errors: [] };
  for (const rl of list(body.resourceLogs)) {
    if (!isObject(rl)) {
      refuseShape(result, 'a resourceLogs entry');
      continue;
    }
    const resource = resourceInfo(rl.resource);
    for (const sl of list(rl.scopeLogs)) {
      if (!isObject(sl)) {
        refuseShape(result, 'a scopeLogs entry');
        continue;
      }
      const scope = isObject(sl.scope) && typeof sl.scope.name === 'string' ? sl.scope.name : '';
      for (const record of list(sl.logRecords)) {
        if (!isObject(record)) {
          refuseShape(result, 'a log record');
          continue;
        }
        const attributes = attributeMap(record.attributes);
        const spanId = otlpId(record.spanId, 8);
        const message = valueText(record.body) || (typeof record.eventName === 'string' ? record.eventName : '');
        collect(
          result,
          buildLogEvent(
            {
              ts: nanosToMs(record.timeUnixNano) ?? nanosToMs(record.observedTimeUnixNano),
              level: severityLevel(record.severityNumber, record.severityText),
              message: cut(message, LIMITS.message),
              traceId: otlpId(record.traceId, 16),
              resource,
              ids: joinIds(attributes),
              props: toProps({ 'lifeline.source': 'otlp-log', span_id: spanId }, attributes),
              givenId: attributeString(attributes, 'lifeline.event_id'),
              identity: { service: resource.service, scope, record },
            },
            ctx,
          ),
        );
      }
    }
  }
  return result;
}
