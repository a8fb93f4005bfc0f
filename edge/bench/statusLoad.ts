import { performance } from 'node:perf_hooks';
import { summarize, type Summary } from './stats';

export interface LoadOptions {
  url: string;
  seconds: number;
  concurrency: number;
  headers?: Record<string, string>;
  /** The status every answer must have. @default 200 */
  expect?: number;
}

/** The raw outcome of one load slice. */
export interface LoadSample {
  latencies: number[];
  seconds: number;
  errors: number;
}

export interface LoadResult {
  requestsPerSecond: number;
  latency: Summary;
  errors: number;
}

/**
 * A closed-loop load: `concurrency` workers each send the next GET as soon as the last
 * answer is read, for `seconds`. Bounded in time and connections, loopback only.
 */
export async function measureLoad(options: LoadOptions): Promise<LoadSample> {
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const end = started + options.seconds * 1000;
  const expected = options.expect ?? 200;

  async function worker(): Promise<void> {
    while (performance.now() < end) {
      const t = performance.now();
      try {
        const res = await fetch(options.url, { headers: options.headers ?? {} });
        await res.arrayBuffer();
        if (res.status === expected) latencies.push(performance.now() - t);
        else errors++;
      } catch {
        errors++;
      }
    }
  }

  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return { latencies, seconds: (performance.now() - started) / 1000, errors };
}

/** Several slices of the same target taken together. */
export function combine(samples: readonly LoadSample[]): LoadResult {
  const latencies = samples.flatMap((s) => s.latencies);
  const seconds = samples.reduce((sum, s) => sum + s.seconds, 0);
  return { requestsPerSecond: latencies.length / seconds, latency: summarize(latencies), errors: samples.reduce((sum, s) => sum + s.errors, 0) };
}
