import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROTOCOL_VERSION, type CollectorBatch } from '@lifeline/protocol';
import { RETRY } from '../retry/policies';
import { withRetry } from '../retry/retry';
import { generateHistory, type HistoryOptions } from './history';

export interface SeedOptions extends HistoryOptions {
  collectorUrl: string;
  collectorSecret: string;
  /** Called after each batch with the running total. */
  progress?: (events: number) => void;
}

/**
 * Writes generated history into the collector through its batch API, the same door the
 * edge uses, so the rows are validated and de-duplicated like live ones. A batch the
 * collector refuses for a moment (503) is retried with the same IDs, under the
 * `history.seed` policy of `RETRY`.
 */
export async function seedHistory(o: SeedOptions): Promise<number> {
  let total = 0;
  for (const events of generateHistory(o, 10_000)) {
    const batch: CollectorBatch = { v: PROTOCOL_VERSION, batch_id: randomUUID(), events };
    const body = JSON.stringify(batch);
    await withRetry(async () => {
      const res = await fetch(`${o.collectorUrl}/v1/batch`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${o.collectorSecret}` },
        body,
      });
      const text = await res.text();
      if (!res.ok) throw Object.assign(new Error(`collector refused history: ${res.status} ${text.slice(0, 500)}`), { status: res.status });
    }, RETRY['history.seed']);
    total += events.length;
    o.progress?.(total);
  }
  return total;
}

/** The past incidents the demo's history carries, relative to `now`. */
export function demoIncidents(now: number): HistoryOptions['incidents'] {
  const day = 86_400_000;
  const at = (daysAgo: number, hour: number) => Math.floor((now - daysAgo * day) / day) * day + hour * 3_600_000;
  return [
    { kind: 'payments_down', start: at(12, 14), minutes: 120 },
    { kind: 'checkout_errors', start: at(5, 19), minutes: 60 },
    { kind: 'slow_pages', start: at(20, 10), minutes: 180 },
  ];
}

/**
 * Seeds once per data directory: a marker file records that it was done. A run that was
 * cut short left `seeding.json` with the moment it generated from; the next run generates
 * from that same moment, so it writes the same events with the same IDs again, which
 * storage and queries count once, instead of a second, shifted history.
 */
export async function seedOnce(dataDir: string, o: Omit<SeedOptions, 'incidents'>): Promise<number | null> {
  const marker = join(dataDir, 'seeded.json');
  if (existsSync(marker)) return null;
  const started = join(dataDir, 'seeding.json');
  const now = existsSync(started) ? readStartedAt(started) ?? o.now : o.now;
  writeFileSync(started, JSON.stringify({ now }) + '\n');
  const total = await seedHistory({ ...o, now, incidents: demoIncidents(now) });
  writeFileSync(marker, JSON.stringify({ events: total, at: new Date().toISOString(), days: o.days }) + '\n');
  rmSync(started, { force: true });
  return total;
}

function readStartedAt(path: string): number | undefined {
  try {
    const now = (JSON.parse(readFileSync(path, 'utf8')) as { now?: unknown }).now;
    return typeof now === 'number' && Number.isFinite(now) ? now : undefined;
  } catch {
    return undefined;
  }
}
