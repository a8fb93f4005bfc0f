import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ErrorResponse, LIMITS } from '@lifeline/protocol';
import { readTextLimited } from '../src/body';
import { HttpError } from '../src/errors';
import { app } from '../src/index';
import { collectorStub, event, sdkBatch } from './helpers';

afterEach(() => vi.restoreAllMocks());

/** A body delivered in 16 KiB chunks, as a slow upload would arrive. */
function chunked(bytes: Uint8Array): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(at, at + 16 * 1024));
      at += 16 * 1024;
    },
  });
}

const text = (n: number) => 'a'.repeat(n);
const encode = (s: string) => new TextEncoder().encode(s);

function request(body: BodyInit, headers: Record<string, string> = {}): Request {
  return new Request('http://edge.test/', { method: 'POST', body, headers });
}

async function outcome(promise: Promise<string>): Promise<string | number> {
  try {
    return (await promise).length;
  } catch (err) {
    return err instanceof HttpError ? `${err.status} ${err.code}` : String(err);
  }
}

describe('readTextLimited with a 100-byte limit', () => {
  it.each([
    { label: 'a body at the limit', make: () => request(text(100)), expected: 100 },
    { label: 'an empty body', make: () => new Request('http://edge.test/', { method: 'POST' }), expected: 0 },
    { label: 'a body one byte over', make: () => request(text(101)), expected: '413 payload_too_large' },
    { label: 'a declared length over the limit', make: () => request(text(10), { 'content-length': '5000' }), expected: '413 payload_too_large' },
    { label: 'a stream over the limit with no length', make: () => request(chunked(encode(text(40_000)))), expected: '413 payload_too_large' },
    { label: 'a stream whose Content-Length lies', make: () => request(chunked(encode(text(40_000))), { 'content-length': '10' }), expected: '413 payload_too_large' },
    { label: 'bytes that are not UTF-8', make: () => request(new Uint8Array([0x7b, 0xff, 0x7d])), expected: '400 invalid_encoding' },
  ])('$label → $expected', async ({ make, expected }) => {
    expect(await outcome(readTextLimited(make(), 100))).toEqual(expected);
  });

  it('counts bytes, not characters', async () => {
    expect(await outcome(readTextLimited(request('é'.repeat(60)), 100))).toBe('413 payload_too_large');
  });
});

describe('POST /v1/events with a streamed body', () => {
  it('refuses a chunked upload over the limit that declares no length', async () => {
    const { calls } = collectorStub();
    const body = JSON.stringify(sdkBatch([event()])).padEnd(LIMITS.sdkBatchBytes + 50_000, ' ');
    const res = await app.request('/v1/events', { method: 'POST', body: chunked(encode(body)), headers: { 'Content-Type': 'text/plain' } }, env);
    expect(res.status).toBe(413);
    expect(ErrorResponse.parse(await res.json()).error).toBe('payload_too_large');
    expect(calls).toHaveLength(0);
  });

  it('accepts a chunked upload under the limit', async () => {
    const { calls } = collectorStub([200]);
    const body = JSON.stringify(sdkBatch([event()]));
    const res = await app.request('/v1/events', { method: 'POST', body: chunked(encode(body)), headers: { 'Content-Type': 'text/plain' } }, env);
    expect(res.status).toBe(202);
    expect(calls).toHaveLength(1);
  });
});
