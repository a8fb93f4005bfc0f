import { exports } from 'cloudflare:workers';
import { vi } from 'vitest';
import { LIMITS, type CollectorBatch } from '@lifeline/protocol';

/** The collector URL in wrangler.jsonc's dev vars. */
export const COLLECTOR_URL = 'http://127.0.0.1:4000';
export const KEY = 'pk_demo';
export const ORIGIN = 'https://shop.example';

let counter = 0;

/** A fresh, valid browser event of each kind the tests need. */
export function event(kind: 'pageview' | 'track' | 'error' | 'vital' = 'track', extra: Record<string, unknown> = {}) {
  const base = { event_id: crypto.randomUUID(), ts: 1_700_000_000_000 + counter++, session_id: 's-1' };
  switch (kind) {
    case 'pageview':
      return { ...base, kind, url: 'https://shop.example/', ...extra };
    case 'error':
      return { ...base, kind, message: 'boom', stack: 'Error: boom\n  at x', ...extra };
    case 'vital':
      return { ...base, kind, name: 'LCP', value: 1234.5, rating: 'good', ...extra };
    default:
      return { ...base, kind, name: 'add_to_cart', props: { sku: 'T1', qty: 2 }, ...extra };
  }
}

/** An error event of about 150 KB: valid, under the SDK batch limit, over `LIMITS.eventBytes`. */
export function hugeError() {
  const frames = Array.from({ length: LIMITS.frames }, () => ({ fn: 'f'.repeat(LIMITS.name), file: 'u'.repeat(LIMITS.url) }));
  return event('error', { message: 'm'.repeat(LIMITS.message), stack: 's'.repeat(LIMITS.stack), frames });
}

/** An SDK batch around `events`. */
export function sdkBatch(events: unknown[], extra: Record<string, unknown> = {}) {
  return { v: 1, key: KEY, sent_at: 1_700_000_000_000, sdk: { name: 'lifeline', version: '0.1.0' }, events, ...extra };
}

export interface PostOptions {
  query?: string;
  headers?: Record<string, string>;
  cf?: Record<string, unknown>;
}

/** POSTs a body (an object is sent as JSON text, as the SDK does) to the worker's /v1/events. */
export function postEvents(body: unknown, options: PostOptions = {}): Promise<Response> {
  const init: RequestInit & { cf?: Record<string, unknown> } = {
    method: 'POST',
    headers: { 'Content-Type': 'text/plain;charset=UTF-8', ...options.headers },
    body: typeof body === 'string' || body instanceof ReadableStream ? body : JSON.stringify(body),
  };
  if (options.cf) init.cf = options.cf;
  return exports.default.fetch(new Request(`http://edge.test/v1/events${options.query ?? ''}`, init));
}

/** What the collector received on one POST. */
export interface CollectorCall {
  url: string;
  authorization: string | null;
  contentType: string | null;
  body: CollectorBatch;
}

/** One scripted collector answer: a status (with optional headers) or a network failure. */
export type CollectorStep = number | { status: number; headers?: Record<string, string>; body?: unknown } | 'network-error';

/**
 * Stands in for the collector by intercepting the worker's outbound `fetch` (the worker
 * runs in the test's isolate, and the pool leaves `globalThis.fetch` replaceable). Answers
 * follow `script`; the last step repeats. Any other outbound URL fails the test.
 */
export function collectorStub(script: CollectorStep[] = [200]) {
  const calls: CollectorCall[] = [];
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const request = new Request(input, init);
    if (!request.url.startsWith(`${COLLECTOR_URL}/`)) throw new Error(`unexpected outbound fetch to ${request.url}`);
    calls.push({
      url: request.url,
      authorization: request.headers.get('authorization'),
      contentType: request.headers.get('content-type'),
      body: (await request.json()) as CollectorBatch,
    });
    const step = script[Math.min(calls.length, script.length) - 1] ?? 200;
    if (step === 'network-error') throw new TypeError('Network connection lost.');
    const answer = typeof step === 'number' ? { status: step } : step;
    const body = answer.body ?? (answer.status < 300 ? { batch_id: calls.at(-1)!.body.batch_id, stored: 1 } : { error: 'x', reason: `scripted ${answer.status}` });
    return Response.json(body, { status: answer.status, headers: answer.headers ?? {} });
  });
  return { calls };
}
