/**
 * One JSON line per log record, so `wrangler tail` and Workers Logs can filter on fields.
 * Callers pass identifiers and counts only: ingest keys, the collector secret and event
 * payloads never go into a log record.
 */
export function log(level: 'info' | 'warn' | 'error', msg: string, fields: Record<string, unknown> = {}): void {
  const line = JSON.stringify({ level, msg, ...fields });
  if (level === 'error') console.error(line);
  else if (level === 'warn') console.warn(line);
  else console.log(line);
}
