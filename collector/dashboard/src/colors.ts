/** One palette for every chart and badge, matching styles.css. */
export const COLOR = {
  blue: '#2563eb',
  green: '#16a34a',
  amber: '#d97706',
  red: '#dc2626',
  purple: '#7c3aed',
  teal: '#0d9488',
  gray: '#64748b',
  band: 'rgba(220, 38, 38, 0.13)',
} as const;

/** A flag state's colour: the same everywhere it is shown. */
export const STATE_COLOR: Record<string, string> = { ok: COLOR.green, degraded: COLOR.amber, down: COLOR.red };
