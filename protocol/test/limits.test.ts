import { describe, expect, it } from 'vitest';
import { BackendLog, BackendLogs, BrowserEvent, CollectorBatch, LIMITS } from '../src/index';

const ok = { event_id: '0b8f1c1e-3f5a-4c1e-9a53-0a1b2c3d4e5f', ts: 1_700_000_000_000, session_id: 's1' };
const frame = { fn: 'f', file: 'https://shop.test/app.js', line: 1, col: 1 };

/** Each limit of `LIMITS` as an event that holds exactly `n` of the limited thing. */
const atLimit: [string, number, (n: number) => unknown][] = [
  ['message', LIMITS.message, (n) => ({ ...ok, kind: 'error', message: 'm'.repeat(n) })],
  ['stack', LIMITS.stack, (n) => ({ ...ok, kind: 'error', message: 'm', stack: 's'.repeat(n) })],
  ['frames', LIMITS.frames, (n) => ({ ...ok, kind: 'error', message: 'm', frames: new Array(n).fill(frame) })],
  ['url', LIMITS.url, (n) => ({ ...ok, kind: 'pageview', url: 'u'.repeat(n) })],
  ['event name', LIMITS.name, (n) => ({ ...ok, kind: 'track', name: 'n'.repeat(n) })],
  ['session ID', LIMITS.id, (n) => ({ ...ok, session_id: 'i'.repeat(n), kind: 'track', name: 'x' })],
  ['release label', LIMITS.label, (n) => ({ ...ok, release: 'r'.repeat(n), kind: 'track', name: 'x' })],
  ['props keys', LIMITS.propKeys, (n) => ({ ...ok, kind: 'track', name: 'x', props: Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i])) })],
  ['prop key length', LIMITS.propKey, (n) => ({ ...ok, kind: 'track', name: 'x', props: { ['k'.repeat(n)]: 1 } })],
  ['prop value length', LIMITS.propValue, (n) => ({ ...ok, kind: 'track', name: 'x', props: { k: 'v'.repeat(n) } })],
];

describe('limits', () => {
  it.each(atLimit)('accepts a %s at its limit (%i) and refuses one more', (_what, limit, build) => {
    expect(BrowserEvent.safeParse(build(limit)).success).toBe(true);
    const over = BrowserEvent.safeParse(build(limit + 1));
    expect(over.success).toBe(false);
    // The refusal names the field that is over, so a sender can tell what to cut.
    expect(over.error?.issues[0]?.path.length).toBeGreaterThan(0);
  });

  it('holds the collector batch to its event count', () => {
    const event = { ...ok, kind: 'track', name: 'x', project: 'p', received_at: ok.ts };
    const batch = (n: number) => ({ v: 1, batch_id: ok.event_id, events: new Array(n).fill(event) });
    expect(CollectorBatch.safeParse(batch(1)).success).toBe(true);
    expect(CollectorBatch.safeParse(batch(LIMITS.collectorBatchEvents + 1)).success).toBe(false);
  });

  it('holds backend logs to the message limit and the records per request', () => {
    const log = (n: number) => ({ timestamp: ok.ts, level: 'error', message: 'm'.repeat(n), request_id: 'r1' });
    expect(BackendLog.safeParse(log(LIMITS.message)).success).toBe(true);
    expect(BackendLog.safeParse(log(LIMITS.message + 1)).success).toBe(false);
    expect(BackendLogs.safeParse(new Array(LIMITS.logsPerRequest).fill(log(1))).success).toBe(true);
    expect(BackendLogs.safeParse(new Array(LIMITS.logsPerRequest + 1).fill(log(1))).success).toBe(false);
  });
});
