/** A column of a printed table: its heading, and whether numbers line up on the right. */
export interface Column {
  title: string;
  align?: 'left' | 'right';
}

/**
 * An aligned plain-text table: a heading, a rule, then the rows, columns two spaces apart.
 * Cells are cut at `maxWidth` characters (with `…`) so one long message cannot push the
 * rest off the screen.
 *
 * @example renderTable([{ title: 'step' }, { title: 'count', align: 'right' }], [['view_product', '1200']])
 */
export function renderTable(columns: readonly Column[], rows: readonly (readonly string[])[], maxWidth = 60): string {
  const cut = (s: string) => (s.length > maxWidth ? `${s.slice(0, maxWidth - 1)}…` : s);
  const cells = rows.map((r) => columns.map((_, i) => cut((r[i] ?? '').replace(/\s+/g, ' '))));
  const widths = columns.map((c, i) => Math.max(c.title.length, ...cells.map((r) => r[i]!.length)));
  const line = (r: readonly string[]) =>
    r
      .map((s, i) => (columns[i]!.align === 'right' ? s.padStart(widths[i]!) : s.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.title)), widths.map((w) => '─'.repeat(w)).join('  '), ...cells.map(line)].join('\n') + '\n';
}

/** `0.3521` → `35.2 %`. */
export const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

/** A number with thin grouping: `12 345`, decimals kept to `digits`. */
export const num = (x: number, digits = 0) =>
  x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }).replaceAll(',', ' ');

/** Epoch ms → `2026-11-14 14:00` (UTC). */
export const when = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');

/** Epoch ms → `2026-11-14 14:00:05.123` (UTC). */
export const whenPrecise = (ms: number) => new Date(ms).toISOString().slice(0, 23).replace('T', ' ');

/** Milliseconds as the largest whole unit: `1d`, `90m`, `45s`. */
export const duration = (ms: number) => {
  for (const [unit, size] of [['w', 604_800_000], ['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
};
