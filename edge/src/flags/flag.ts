import type { Flag } from '@lifeline/protocol';

const OK: Flag = Object.freeze({ state: 'ok' });

/**
 * A flag in its canonical stored form: only the fields that mean something. An `ok` flag
 * has no `until` (there is nothing to revert from); an empty message is no message.
 *
 * @example normalizeFlag({ state: 'ok', message: '' }) // { state: 'ok' }
 */
export function normalizeFlag(flag: Flag): Flag {
  const out: Flag = { state: flag.state };
  if (flag.message) out.message = flag.message;
  if (flag.until !== undefined && flag.state !== 'ok') out.until = flag.until;
  return out;
}

/** The flag as pages must see it at `now`: absent or past its `until` means `ok`. */
export function effectiveFlag(flag: Flag | undefined, now: number): Flag {
  if (!flag || (flag.until !== undefined && flag.until <= now)) return OK;
  return flag;
}

export function sameFlag(a: Flag, b: Flag): boolean {
  return a.state === b.state && a.message === b.message && a.until === b.until;
}

/** Features whose `until` has come, in name order. */
export function expiredFeatures(flags: ReadonlyMap<string, Flag>, now: number): string[] {
  return [...flags].filter(([, f]) => f.state !== 'ok' && f.until !== undefined && f.until <= now).map(([name]) => name);
}

/** The earliest `until` among flags that are not `ok`, or `undefined`. */
export function nextExpiry(flags: ReadonlyMap<string, Flag>): number | undefined {
  let next: number | undefined;
  for (const f of flags.values()) {
    if (f.state !== 'ok' && f.until !== undefined && (next === undefined || f.until < next)) next = f.until;
  }
  return next;
}
