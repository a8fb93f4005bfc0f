import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { StoredEvent } from '@lifeline/protocol';
import { generateHistory, FUNNEL, seededEmail } from '../src/traffic/history';

const now = Date.UTC(2026, 10, 20, 12);
const day = 86_400_000;
const all = (o: Parameters<typeof generateHistory>[0]) => [...generateHistory(o)].flat();

describe('generateHistory', () => {
  const events = all({ project: 'demo', now, days: 7, sessionsPerDay: 400, incidents: [{ kind: 'payments_down', start: now - 3 * day, minutes: 240 }] });

  it('writes only valid events, each with its own event_id, before now', () => {
    expect(events.length).toBeGreaterThan(5000);
    for (const e of events) expect(StoredEvent.safeParse(e).success).toBe(true);
    expect(new Set(events.map((e) => e.event_id)).size).toBe(events.length);
    expect(Math.max(...events.map((e) => e.ts))).toBeLessThan(now + 3_600_000);
  });

  it('is the same for the same seed and differs for another', () => {
    const a = all({ project: 'demo', now, days: 1, sessionsPerDay: 50, seed: 7 });
    const b = all({ project: 'demo', now, days: 1, sessionsPerDay: 50, seed: 7 });
    const c = all({ project: 'demo', now, days: 1, sessionsPerDay: 50, seed: 8 });
    expect(b).toEqual(a);
    expect(c[0]!.event_id).not.toBe(a[0]!.event_id);
  });

  it('identifies each signed-in session once, with the hash of its customer’s email, as store.js does', () => {
    const identifies = events.filter((e) => e.kind === 'track' && e.name === 'identify');
    const signedIn = new Set(events.filter((e) => e.user_id).map((e) => e.session_id));
    expect(identifies.length).toBeGreaterThan(100);
    expect(new Set(identifies.map((e) => e.session_id))).toEqual(signedIn);
    const first = identifies[0] as Extract<StoredEvent, { kind: 'track' }>;
    const hashes = new Set(Array.from({ length: 200 }, (_, i) => createHash('sha256').update(seededEmail(i)).digest('hex')));
    expect(hashes.has(String(first.props?.email_sha256))).toBe(true);
    // The same customer always has the same email.
    const byUser = new Map<string, Set<unknown>>();
    for (const e of identifies as Extract<StoredEvent, { kind: 'track' }>[]) byUser.set(e.user_id!, (byUser.get(e.user_id!) ?? new Set()).add(e.props?.email_sha256));
    expect([...byUser.values()].every((s) => s.size === 1)).toBe(true);
  });

  it('walks the funnel with drop-off at every step', () => {
    const counts = FUNNEL.map((step) => events.filter((e) => e.kind === 'track' && e.name === step).length);
    for (let i = 1; i < counts.length; i++) expect(counts[i]!).toBeLessThan(counts[i - 1]!);
    expect(counts[4]! / counts[0]!).toBeGreaterThan(0.05);
  });

  it('the payments incident lowers purchases and leaves payment errors, fallbacks and flag flips', () => {
    const start = now - 3 * day;
    const inWindow = (e: StoredEvent) => e.ts >= start && e.ts < start + 4 * 3_600_000;
    const sameHoursBefore = (e: StoredEvent) => e.ts >= start - day && e.ts < start - day + 4 * 3_600_000;
    const rate = (pred: (e: StoredEvent) => boolean) => {
      const orders = events.filter((e) => pred(e) && e.kind === 'track' && e.name === 'order_created').length;
      const buys = events.filter((e) => pred(e) && e.kind === 'track' && e.name === 'purchase').length;
      return buys / orders;
    };
    expect(rate(sameHoursBefore)).toBeGreaterThan(0.7);
    expect(rate(inWindow)).toBeLessThan(0.3);
    expect(events.filter((e) => inWindow(e) && e.kind === 'error' && e.fingerprint === 'payment-failed').length).toBeGreaterThan(0);
    expect(events.filter((e) => inWindow(e) && e.kind === 'degrade').length).toBeGreaterThan(0);
    expect(events.filter((e) => e.kind === 'flag').map((e) => (e.kind === 'flag' ? e.state : ''))).toEqual(['degraded', 'ok']);
  });

  it('joins backend logs to browser network calls by request ID', () => {
    const pay = events.find((e) => e.kind === 'network' && e.url.endsWith('/api/pay'))!;
    const logs = events.filter((e) => e.kind === 'log' && e.request_id === pay.request_id);
    expect(logs.length).toBeGreaterThan(2);
  });

  it('has more traffic at 20:00 than at 04:00 (daily seasonality)', () => {
    const at = (h: number) => events.filter((e) => e.kind === 'pageview' && new Date(e.ts).getUTCHours() === h).length;
    expect(at(20)).toBeGreaterThan(at(4) * 3);
  });

  it('shows the weekly shape over 30 days: weekends busier than weekdays, Monday the quietest, Saturday the busiest', () => {
    const month = all({ project: 'demo', now, days: 30, sessionsPerDay: 300, vitals: false });
    // Visits per UTC day: each session counted on the day it started.
    const firstSeen = new Map<string, number>();
    for (const e of month) if (e.kind === 'pageview' && e.session_id && !firstSeen.has(e.session_id)) firstSeen.set(e.session_id, e.ts);
    const visits = new Map<number, number>();
    for (const ts of firstSeen.values()) {
      const d = Math.floor(ts / day) * day;
      visits.set(d, (visits.get(d) ?? 0) + 1);
    }
    const complete = [...visits].filter(([d]) => d + day <= now);
    expect(complete.length).toBeGreaterThanOrEqual(29);
    const byWeekday = (days: number[]) => complete.filter(([d]) => days.includes(new Date(d).getUTCDay())).map(([, n]) => n);
    const weekend = byWeekday([0, 6]);
    const midweek = byWeekday([1, 2, 3, 4]);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(weekend.length).toBeGreaterThanOrEqual(8);
    expect(midweek.length).toBeGreaterThanOrEqual(16);
    // The generator's weekend weights are about 30 % above its Monday-to-Thursday ones.
    expect(mean(weekend)).toBeGreaterThan(mean(midweek) * 1.2);
    // Not just on average: every weekend day beats every day from Monday to Thursday.
    expect(Math.min(...weekend)).toBeGreaterThan(Math.max(...midweek));
    // Mondays are the quietest day of the week, Saturdays the busiest.
    const meanOf = (wd: number) => mean(byWeekday([wd]));
    for (const wd of [0, 2, 3, 4, 5, 6]) expect(meanOf(1), `Monday vs day ${wd}`).toBeLessThan(meanOf(wd));
    for (const wd of [0, 1, 2, 3, 4, 5]) expect(meanOf(6), `Saturday vs day ${wd}`).toBeGreaterThan(meanOf(wd));
  });
});
