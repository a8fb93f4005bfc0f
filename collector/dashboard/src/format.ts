const int = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const dec = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

export const fmtInt = (n: number) => int.format(n);
export const fmtNum = (n: number) => dec.format(n);
export const fmtPct = (share: number, digits = 1) => `${(share * 100).toFixed(digits)}%`;
export const fmtMs = (ms: number) => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${int.format(ms)} ms`);
export const fmtMoney = (n: number) => new Intl.NumberFormat('en-US', { maximumFractionDigits: 0, style: 'currency', currency: 'EUR' }).format(n);

/** `Nov 14, 14:05` in the viewer's time zone. */
export const fmtTime = (ms: number) => new Date(ms).toLocaleString('en-GB', { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
/** `14:05:09.120` for timelines. */
export const fmtClock = (ms: number) => {
  const d = new Date(ms);
  return `${d.toLocaleTimeString('en-GB', { hour12: false })}.${String(d.getMilliseconds()).padStart(3, '0')}`;
};
export const fmtDate = (ms: number) => new Date(ms).toLocaleDateString('en-GB', { weekday: 'short', month: 'short', day: 'numeric' });

/** A change as `+12.3%` / `−4.0%`. */
export const fmtChange = (change: number) => `${change >= 0 ? '+' : '−'}${Math.abs(change * 100).toFixed(1)}%`;

/** The viewer's IANA time zone, so day buckets start at their midnight. */
export function timeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}
