import { readdirSync, readFileSync } from 'node:fs';

/** Resident memory of a process group (a service and its children, e.g. wrangler and workerd), in MiB. */
export function groupRssMiB(pgid: number): number {
  let kib = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command name, which is in brackets and may hold spaces: state, ppid, pgrp…
      const group = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
      if (group !== pgid) continue;
      const rss = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${entry}/status`, 'utf8'));
      kib += Number(rss?.[1] ?? 0);
    } catch {
      // The process ended between listing and reading.
    }
  }
  return kib / 1024;
}

export interface MemoryTrend {
  samples: number[];
  /** Mean of the last third against the first third, in per cent. */
  growthPercent: number;
  /** Least-squares slope over all samples, MiB per minute. */
  slopeMiBPerMinute: number;
  flat: boolean;
}

/**
 * Whether a series sampled every `everyMs` is flat: the last third's mean within 15 % (or
 * 32 MiB) of the first third's, which leaves room for caches warming up but not for a leak
 * that grows with the traffic.
 */
export function trendOf(samples: number[], everyMs: number): MemoryTrend {
  const third = Math.max(1, Math.floor(samples.length / 3));
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const first = mean(samples.slice(0, third));
  const last = mean(samples.slice(-third));
  const xs = samples.map((_, i) => (i * everyMs) / 60_000);
  const mx = mean(xs);
  const my = mean(samples);
  const den = xs.reduce((s, x) => s + (x - mx) ** 2, 0);
  const slope = den === 0 ? 0 : xs.reduce((s, x, i) => s + (x - mx) * (samples[i]! - my), 0) / den;
  const growthPercent = first === 0 ? 0 : ((last - first) / first) * 100;
  return { samples, growthPercent, slopeMiBPerMinute: slope, flat: growthPercent < 15 || last - first < 32 };
}

/**
 * Samples the resident memory of each process group every `everyMs` until stopped.
 *
 * @example const memory = sampleMemory({ edge: 4242 }, 10_000); …; const series = memory.stop()
 */
export function sampleMemory(groups: Record<string, number | undefined>, everyMs: number) {
  const series: Record<string, number[]> = {};
  const take = () => {
    for (const [name, pgid] of Object.entries(groups)) if (pgid) (series[name] ??= []).push(groupRssMiB(pgid));
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    stop(): Record<string, number[]> {
      clearInterval(timer);
      take();
      return series;
    },
  };
}
