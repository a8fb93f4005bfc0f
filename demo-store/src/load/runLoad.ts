import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStack, type Stack } from '../stack/stack';
import { countStored, type StoredCount } from './countStored';
import { generateLoad, type LoadResult } from './generateLoad';
import { sampleMemory, trendOf, type MemoryTrend } from './sampleMemory';

export interface RunOptions {
  /** Requests a second at the rated load. */
  rate: number;
  eventsPerRequest: number;
  /** Length of the rated phase, in one-minute rounds (a shorter last round when not whole). */
  minutes: number;
  /** Multiple of `rate` for the overload phase (0 skips it). */
  overload: number;
  overloadSeconds: number;
  /** Load before measuring, so caches and JIT are warm. */
  warmUpSeconds: number;
  sampleEveryMs: number;
  log?: (line: string) => void;
}

export interface PhaseFigures {
  label: string;
  load: Omit<LoadResult, 'acked' | 'sessions'> & { acked: number };
  storage: StoredCount;
}

export interface RunFigures {
  startedAt: string;
  options: RunOptions;
  /** The per-key limit the edge ran with (events a second and burst). */
  keyLimit: string;
  rounds: PhaseFigures[];
  rated: PhaseFigures;
  overload?: PhaseFigures;
  memory: Record<string, MemoryTrend>;
  healthyAfter: boolean;
}

async function phase(stack: Stack, label: string, rate: number, ms: number, options: RunOptions): Promise<{ figures: PhaseFigures; result: LoadResult }> {
  const result = await generateLoad({ edgeUrl: stack.urls.edge, key: stack.tokens.publicKey, rate, durationMs: ms, eventsPerRequest: options.eventsPerRequest, run: `${label}-${Date.now()}` });
  // The collector writes in batches of up to 200 ms; a moment later every acknowledged event is readable.
  await new Promise((r) => setTimeout(r, 1_000));
  const storage = await countStored({ collectorUrl: stack.urls.collector, readToken: stack.tokens.readToken, sessions: result.sessions, acked: result.acked });
  const { acked, sessions: _s, ...rest } = result;
  options.log?.(`${label}: ${result.requests} requests, ${JSON.stringify(result.statuses)}, p99 ${result.latency.p99.toFixed(0)} ms, ${storage.stored}/${acked.size} stored`);
  return { figures: { label, load: { ...rest, acked: acked.size }, storage }, result };
}

/** Adds up phases run back to back (the rated rounds) into one. */
function combine(label: string, parts: Array<{ figures: PhaseFigures; result: LoadResult }>): PhaseFigures {
  const statuses: Record<string, number> = {};
  for (const p of parts) for (const [k, v] of Object.entries(p.result.statuses)) statuses[k] = (statuses[k] ?? 0) + v;
  const sum = (f: (p: PhaseFigures) => number) => parts.reduce((n, p) => n + f(p.figures), 0);
  const worst = (f: (p: PhaseFigures) => number) => Math.max(...parts.map((p) => f(p.figures)));
  return {
    label,
    load: {
      requests: sum((p) => p.load.requests),
      skipped: sum((p) => p.load.skipped),
      statuses,
      eventsSent: sum((p) => p.load.eventsSent),
      acked: sum((p) => p.load.acked),
      durationMs: sum((p) => p.load.durationMs),
      // Percentiles do not add up; the worst round's are the honest summary.
      latency: { count: sum((p) => p.load.latency.count), p50: worst((p) => p.load.latency.p50), p95: worst((p) => p.load.latency.p95), p99: worst((p) => p.load.latency.p99), max: worst((p) => p.load.latency.max) },
    },
    storage: { stored: sum((p) => p.storage.stored), missing: sum((p) => p.storage.missing), duplicated: sum((p) => p.storage.duplicated) },
  };
}

async function healthy(stack: Stack): Promise<boolean> {
  const ok = async (url: string) => (await fetch(url, { signal: AbortSignal.timeout(5_000) }).catch(() => undefined))?.ok === true;
  return (await ok(`${stack.urls.edge}/health`)) && (await ok(`${stack.urls.collector}/health`));
}

/**
 * The long run: a fresh stack (collector on chDB, edge in wrangler dev, store), the rated
 * load in one-minute rounds with each service's memory sampled, then `overload`× the rate,
 * which the edge must shed with 429/503 and `Retry-After` rather than fall over. Every
 * acknowledged event of every phase is looked up in storage.
 */
export async function runLoad(options: RunOptions): Promise<RunFigures> {
  const ratedEvents = options.rate * options.eventsPerRequest;
  // The per-key limit sits a little above the rated load, so an overload is shed at the
  // edge (429) instead of being passed on to a collector that cannot keep up.
  const perSecond = Math.ceil(ratedEvents * 1.2);
  const keyLimit = `${perSecond}:${Math.max(500, perSecond * 2)}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'lifeline-load-'));
  const stack = await startStack({ dataDir, edgeVars: { LIFELINE_RATE_KEY: keyLimit } });
  try {
    const startedAt = new Date().toISOString();
    if (options.warmUpSeconds > 0) await phase(stack, 'warm-up', options.rate, options.warmUpSeconds * 1000, options);
    const pids = stack.pids();
    const memory = sampleMemory({ collector: pids.collector, edge: pids.edge, store: pids.store }, options.sampleEveryMs);
    const rounds: Array<{ figures: PhaseFigures; result: LoadResult }> = [];
    for (let left = options.minutes * 60_000, i = 1; left > 0; left -= 60_000, i++) {
      rounds.push(await phase(stack, `minute ${i}`, options.rate, Math.min(60_000, left), options));
    }
    const series = memory.stop();
    const overload = options.overload > 0 ? await phase(stack, 'overload', options.rate * options.overload, options.overloadSeconds * 1000, options) : undefined;
    return {
      startedAt,
      options: { ...options, log: undefined },
      keyLimit,
      rounds: rounds.map((r) => r.figures),
      rated: combine('rated', rounds),
      ...(overload ? { overload: overload.figures } : {}),
      memory: Object.fromEntries(Object.entries(series).map(([name, s]) => [name, trendOf(s, options.sampleEveryMs)])),
      healthyAfter: await healthy(stack),
    };
  } finally {
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
