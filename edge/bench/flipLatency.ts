import { performance } from 'node:perf_hooks';
import { STATUS_EVENT, StatusResponse } from '@lifeline/protocol';
import { readSse } from '../src/cli/readSse';
import { summarize, type Summary } from './stats';

export interface FlipLatencyOptions {
  edgeUrl: string;
  key: string;
  token: string;
  streams: number;
  flips: number;
  feature: string;
}

export interface FlipLatencyResult {
  /** Flip sent → status with the new version read on an open stream, over every stream and flip. */
  received: Summary;
  /** The ops API's answer time for the flips. */
  answered: Summary;
  /** Deliveries missing after the per-flip wait (should be 0). */
  missed: number;
}

interface Page {
  /** Versions seen, with the time each arrived. */
  seen: Map<number, number>;
  abort: AbortController;
  done: Promise<void>;
}

async function openPage(url: string): Promise<Page> {
  const abort = new AbortController();
  const seen = new Map<number, number>();
  const response = await fetch(url, { signal: abort.signal });
  if (!response.ok || !response.body) throw new Error(`stream answered ${response.status}`);
  let connected!: () => void;
  const first = new Promise<void>((resolve) => (connected = resolve));
  const done = (async () => {
    try {
      for await (const message of readSse(response.body!)) {
        if (message.event !== STATUS_EVENT || !message.data) continue;
        seen.set(StatusResponse.parse(JSON.parse(message.data)).version, performance.now());
        connected();
      }
    } catch {
      // Aborted at the end of the run.
    }
  })();
  await first;
  return { seen, abort, done };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Opens `streams` status streams as open pages would, flips a flag `flips` times through
 * the ops API (alternating degraded and ok), and measures for every flip and every stream
 * the time from sending the flip to reading the new version on that stream.
 */
export async function measureFlipLatency(options: FlipLatencyOptions): Promise<FlipLatencyResult> {
  const streamUrl = `${options.edgeUrl}/v1/status/stream?key=${options.key}`;
  const pages = await Promise.all(Array.from({ length: options.streams }, () => openPage(streamUrl)));
  const received: number[] = [];
  const answered: number[] = [];
  let missed = 0;
  try {
    for (let i = 0; i < options.flips; i++) {
      const body = i % 2 === 0 ? { state: 'degraded', message: `bench flip ${i}` } : { state: 'ok' };
      const sent = performance.now();
      const res = await fetch(`${options.edgeUrl}/v1/flags/${options.feature}`, {
        method: 'PUT',
        headers: { Authorization: `Bearer ${options.token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      answered.push(performance.now() - sent);
      if (!res.ok) throw new Error(`flip ${i} answered ${res.status}: ${await res.text()}`);
      const { version } = (await res.json()) as { version: number };

      const deadline = performance.now() + 5000;
      while (pages.some((p) => !p.seen.has(version)) && performance.now() < deadline) await sleep(1);
      for (const page of pages) {
        const at = page.seen.get(version);
        if (at === undefined) missed++;
        else received.push(at - sent);
      }
      await sleep(50);
    }
  } finally {
    for (const page of pages) page.abort.abort();
    await Promise.all(pages.map((p) => p.done));
  }
  return { received: summarize(received), answered: summarize(answered), missed };
}
