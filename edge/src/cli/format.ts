import type { Flag, FlagChangeResponse, FlagHistoryEntry, FlagsResponse } from '@lifeline/protocol';
import { formatDuration } from './duration';

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * A moment in the operator's local time, to the second: `2026-11-21 10:40:12`.
 *
 * @example formatTime(Date.now())
 */
export function formatTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** `until` as a time and what is left of it: `2026-11-21 11:10:12 (in 30m)`. */
export function formatUntil(until: number, now: number = Date.now()): string {
  return `${formatTime(until)} (in ${formatDuration(until - now)})`;
}

/**
 * Rows as a left-aligned text table with a header line; the last column is not padded.
 *
 * @example table(['A', 'B'], [['1', 'x']]) // "A  B\n1  x"
 */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** A message on one line, cut to `max` characters so a table stays readable. */
function short(message: string | undefined, max = 60): string {
  if (!message) return '';
  const flat = message.replace(/\s+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** A flag in a sentence: `degraded "Payments are slow" until 2026-11-21 11:10:12 (in 30m)`. */
export function describeFlag(flag: Flag, now: number = Date.now()): string {
  let text = flag.state;
  if (flag.message) text += ` ${JSON.stringify(short(flag.message, 200))}`;
  if (flag.until !== undefined) text += ` until ${formatUntil(flag.until, now)}`;
  return text;
}

/** `lifeline flags list`: a heading line and one row per feature. */
export function formatList(list: FlagsResponse, now: number = Date.now()): string {
  const pages = `${list.listeners} open stream${list.listeners === 1 ? '' : 's'}`;
  let heading = `project ${list.project} · version ${list.version} · updated ${formatTime(list.updated_at)} · ${pages}`;
  if (list.pending_events > 0) heading += ` · ${list.pending_events} flag event${list.pending_events === 1 ? '' : 's'} not yet at the collector`;
  const rows = Object.entries(list.flags).map(([feature, flag]) => [
    feature,
    flag.state,
    flag.until === undefined ? '' : formatUntil(flag.until, now),
    short(flag.message),
  ]);
  return `${heading}\n\n${table(['FEATURE', 'STATE', 'UNTIL', 'MESSAGE'], rows)}`;
}

/** `lifeline flags set/clear`: one line saying what changed and the new version. */
export function formatChange(change: FlagChangeResponse, now: number = Date.now()): string {
  if (!change.changed) return `${change.feature}: already ${describeFlag(change.flag, now)} · version ${change.version} (no change)`;
  const request = change.request_id ? ` · request ${change.request_id}` : '';
  return `${change.feature}: ${change.previous.state} → ${describeFlag(change.flag, now)} · version ${change.version}${request}`;
}

/** `lifeline flags history`: one row per change, newest first. */
export function formatHistory(project: string, history: FlagHistoryEntry[]): string {
  if (history.length === 0) return `project ${project}: no flag changes recorded`;
  const rows = history.map((h) => [
    formatTime(h.at),
    h.feature,
    `${h.from.state} → ${h.to.state}`,
    h.actor,
    h.cause,
    short(h.to.message),
  ]);
  return table(['AT', 'FEATURE', 'CHANGE', 'ACTOR', 'CAUSE', 'MESSAGE'], rows);
}
