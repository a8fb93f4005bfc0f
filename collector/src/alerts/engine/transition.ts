import type { AlertState } from '../queries/state';

/** What an alert's change calls for: the first notice, a reminder, or the all-clear. */
export type Transition = 'firing' | 'repeat' | 'resolved';

/**
 * The alert lifecycle: fire once when a condition starts, remind every `repeatMs` while it
 * lasts, resolve once when it ends. Nothing otherwise, so a steady state sends nothing.
 *
 * @example transition(undefined, true, now, 4 * 3_600_000) // 'firing'
 */
export function transition(prev: AlertState | undefined, active: boolean, now: number, repeatMs: number): Transition | undefined {
  const firing = prev?.status === 'firing';
  if (active && !firing) return 'firing';
  if (active && firing && now - prev!.last_sent_at >= repeatMs) return 'repeat';
  if (!active && firing) return 'resolved';
  return undefined;
}
