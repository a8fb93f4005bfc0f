import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { gzipSync } from 'node:zlib';
import { serve } from '@hono/node-server';
import { ROOT_CONTEXT, SpanStatusCode, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorResponse, TimelineResponse } from '@lifeline/protocol';
import { openCollector, type Collector } from '../src/collector';
import { INGEST_TOKENS, TOKENS, auth, countEvents, makeBatch, makeEvent, postBatch, tempDir, testConfig } from './helpers';

/**
 * OpenTelemetry's own exporters, in this process, send to the collector over real HTTP;
 * what they send must land in chDB and come back on the timeline next to the browser's
 * events, by trace ID and by request ID.
 */

const dir = tempDir();
let collector: Collector;
let server: Server;
let base: string;

beforeAll(async () => {
  collector = await openCollector(testConfig(dir.path));
  server = serve({ fetch: collector.app.fetch, hostname: '127.0.0.1', port: 0 }) as Server;
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await collector?.close();
  dir.remove();
});

const resource = resourceFromAttributes({ 'service.name': 'payments', 'service.version': '2.4.0', 'deployment.environment.name': 'staging' });
const headers = { Authorization: `Bearer ${INGEST_TOKENS.demo}` };

async function timeline(query: string) {
  const res = await collector.app.request(`/v1/timeline?${query}`, { headers: auth(TOKENS.demo) });
  expect(res.status).toBe(200);
  return TimelineResponse.parse(await res.json()).events;
}

function postOtlp(path: string, body: string | Buffer, extra: Record<string, string> = {}) {
  return fetch(`${base}/otlp/v1/${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers, ...extra }, body });
}

describe('OTLP/HTTP JSON from the OpenTelemetry SDK', () => {
  it('stores spans and log records and joins them to the browser’s call by trace ID and request ID', async () => {
    const request = `r-${randomUUID()}`;
    const tracerProvider = new TracerProvider({
      resource,
      spanProcessors: [new SimpleSpanProcessor({ exporter: new OTLPTraceExporter({ url: `${base}/otlp/v1/traces`, headers }) })],
    });
    const loggerProvider = new LoggerProvider({
      resource,
      processors: [new SimpleLogRecordProcessor({ exporter: new OTLPLogExporter({ url: `${base}/otlp/v1/logs`, headers }) })],
    });

    const span = tracerProvider.getTracer('checkout').startSpan('POST /api/pay', {
      kind: 1,
      attributes: { 'http.request.method': 'POST', 'http.route': '/api/pay', 'http.request.header.x-request-id': [request], 'http.response.status_code': 502 },
    });
    const traceId = span.spanContext().traceId;
    loggerProvider.getLogger('payments').emit({
      severityNumber: SeverityNumber.ERROR,
      severityText: 'ERROR',
      body: 'gateway stripe-sim failed: timed out',
      attributes: { request_id: request, gateway: 'stripe-sim', attempt: 2 },
      context: trace.setSpan(ROOT_CONTEXT, span),
    });
    span.addEvent('exception', { 'exception.type': 'TimeoutError', 'exception.message': 'stripe-sim: timed out after 2500 ms' });
    span.setStatus({ code: SpanStatusCode.ERROR, message: 'both gateways failed' });
    span.end();
    await loggerProvider.forceFlush();
    await tracerProvider.forceFlush();
    await loggerProvider.shutdown();
    await tracerProvider.shutdown();

    // The browser's side of the same call, as the SDK reports it through the edge.
    const network = makeEvent('network', { request_id: request, trace_id: traceId, method: 'POST', url: '/api/pay', status: 502, duration_ms: 2600 });
    expect((await postBatch(collector.app, makeBatch([network]))).status).toBe(200);

    const byTrace = await timeline(`trace_id=${traceId}`);
    const byRequest = await timeline(`request_id=${request}`);
    expect(byTrace.map((e) => e.event_id).sort()).toEqual(byRequest.map((e) => e.event_id).sort());
    expect(byTrace).toHaveLength(4);

    const spanEvent = byTrace.find((e) => e.kind === 'log' && e.message === 'POST /api/pay')!;
    expect(spanEvent).toMatchObject({
      level: 'error',
      service: 'payments',
      release: '2.4.0',
      environment: 'staging',
      trace_id: traceId,
      request_id: request,
      props: {
        'lifeline.source': 'otlp-span',
        span_id: span.spanContext().spanId,
        span_kind: 'server',
        status: 'error',
        status_message: 'both gateways failed',
        'http.route': '/api/pay',
        'http.response.status_code': 502,
      },
    });
    expect((spanEvent as unknown as { props: { duration_ms: number } }).props.duration_ms).toBeGreaterThanOrEqual(0);
    expect(byTrace.find((e) => e.kind === 'log' && e.message === 'gateway stripe-sim failed: timed out')).toMatchObject({
      level: 'error',
      trace_id: traceId,
      request_id: request,
      props: { 'lifeline.source': 'otlp-log', span_id: span.spanContext().spanId, gateway: 'stripe-sim', attempt: 2 },
    });
    expect(byTrace.find((e) => e.kind === 'log' && e.message === 'TimeoutError: stripe-sim: timed out after 2500 ms')).toMatchObject({ level: 'error' });
    expect(byTrace.find((e) => e.kind === 'network')!.event_id).toBe(network.event_id);
  });

  it('stores a re-exported request once', async () => {
    const traceId = randomUUID().replaceAll('-', '');
    const body = JSON.stringify({
      resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'orders' } }] }, scopeSpans: [{ spans: [
        { traceId, spanId: '00f067aa0ba902b7', name: 'GET /api/orders', kind: 2, startTimeUnixNano: `${Date.now() - 1000}000000`, endTimeUnixNano: `${Date.now() - 990}000000`, status: {} },
      ] }] }],
    });
    for (let i = 0; i < 3; i++) {
      const res = await postOtlp('traces', body);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({});
    }
    expect(await countEvents(collector.storage, { trace_id: traceId })).toBe(1);
    expect((await timeline(`trace_id=${traceId}`))[0]).toMatchObject({ level: 'info', service: 'orders', props: { span_kind: 'server', duration_ms: 10, status: 'unset' } });
  });

  it('answers partial success when some records are refused, storing the rest', async () => {
    const traceId = randomUUID().replaceAll('-', '');
    const t = Date.now();
    const body = JSON.stringify({
      resourceLogs: [{ scopeLogs: [{ logRecords: [
        { timeUnixNano: `${t - 2}000000`, severityNumber: 9, body: { stringValue: 'kept' }, traceId },
        'not a record',
        { timeUnixNano: `${t - 1}000000`, severityText: 'warning', body: { kvlistValue: { values: [{ key: 'a', value: { intValue: '7' } }] } }, traceId },
      ] }] }],
    });
    const res = await postOtlp('logs', gzipSync(body), { 'content-encoding': 'gzip' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ partialSuccess: { rejectedLogRecords: 1, errorMessage: 'a log record is not an object' } });
    const events = await timeline(`trace_id=${traceId}`);
    expect(events.map((e) => [e.kind === 'log' && e.level, e.kind === 'log' && e.message])).toEqual([['info', 'kept'], ['warn', '{"a":7}']]);
  });

  it.each([
    ['protobuf', { 'content-type': 'application/x-protobuf' }, '{}', 415, 'unsupported_media_type', /http\/json/],
    ['another content type', { 'content-type': 'text/plain' }, '{}', 415, 'unsupported_media_type', /application\/json/],
    ['no token', { authorization: '' }, '{}', 401, 'unauthorized', /Authorization/],
    ['a read token', { Authorization: `Bearer ${TOKENS.demo}` }, '{}', 403, 'forbidden', /unknown ingest token/],
    ['a body that is not JSON', {}, '{', 400, 'invalid_json', /not JSON/],
    ['a body that is not an export request', {}, '[1,2]', 400, 'invalid_logs', /not an OTLP export request/],
  ])('refuses %s with a Status body', async (_why, extra, body, status, error, reason) => {
    const h: Record<string, string> = { 'content-type': 'application/json', ...headers, ...extra };
    if (h.authorization === '') {
      delete h.authorization;
      delete h.Authorization;
    }
    const res = await fetch(`${base}/otlp/v1/logs`, { method: 'POST', headers: h, body });
    expect(res.status).toBe(status);
    const json = (await res.json()) as { code: number; message: string };
    expect(json.code).toBeGreaterThan(0);
    expect(json.message).toMatch(reason);
    expect(ErrorResponse.parse(json).error).toBe(error);
  });

  it('answers {} to an empty export request', async () => {
    const res = await postOtlp('traces', '{}');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
  });
});
