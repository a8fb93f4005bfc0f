import { STATUS_EVENT, StatusResponse, type Flag } from '@lifeline/protocol';
import { sameFlag } from '../../flags/flag';
import { CliError } from '../errors';
import { describeFlag, formatTime } from '../format';
import { readSse } from '../readSse';
import type { CommandContext } from './context';

const OK: Flag = { state: 'ok' };
/** Waits between reconnections after the stream drops: 1 s, 2 s, 4 s… up to 15 s. */
const MAX_RECONNECT_MS = 15_000;

/** One line per feature whose flag differs between two statuses. */
export function describeChanges(before: StatusResponse | undefined, after: StatusResponse, now: number = Date.now()): string[] {
  const lines: string[] = [];
  for (const [feature, flag] of Object.entries(after.flags)) {
    const was = before?.flags[feature] ?? OK;
    if (before && sameFlag(was, flag)) continue;
    if (!before && flag.state === 'ok') continue;
    lines.push(`${formatTime(now)}  v${after.version}  ${feature}: ${before ? `${was.state} → ` : ''}${describeFlag(flag, now)}`);
  }
  return lines;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });
}

/**
 * `lifeline flags watch [--json]`: the project's status stream, as pages get it. Prints the
 * flags that are not ok on connect, then one line per change (with `--json`, each status as
 * one JSON line). Reconnects with backoff if the stream drops; Ctrl-C ends it.
 */
export async function watchCommand({ client, options, print, signal }: CommandContext): Promise<void> {
  let last: StatusResponse | undefined;
  let failures = 0;
  while (!signal.aborted) {
    try {
      const body = await client.stream(signal);
      for await (const message of readSse(body)) {
        if (message.event !== STATUS_EVENT || message.data === undefined) continue;
        const status = StatusResponse.parse(JSON.parse(message.data));
        failures = 0;
        if (options.json) print(JSON.stringify(status));
        else {
          if (!last) print(`watching project ${status.project} · version ${status.version} · Ctrl-C to stop`);
          for (const line of describeChanges(last, status)) print(line);
        }
        last = status;
      }
      if (signal.aborted) return;
      throw new CliError('the edge closed the stream');
    } catch (err) {
      if (signal.aborted) return;
      // A refused token or an edge that never answered is for the operator to fix, not to wait out.
      if (!last && err instanceof CliError) throw err;
      if (err instanceof CliError && /refused/.test(err.message)) throw err;
      const wait = Math.min(MAX_RECONNECT_MS, 1000 * 2 ** failures++);
      process.stderr.write(`lifeline: stream lost (${(err as Error).message}); reconnecting in ${wait / 1000} s\n`);
      await sleep(wait, signal);
    }
  }
}
