import { createHash } from 'node:crypto';

/**
 * A deterministic event ID for a record that came without one (backend logs, OTLP): a
 * UUID (version 8, RFC 9562) made from a SHA-256 of the project and the record's content,
 * so a record sent again (a shipper's retry, an exporter's re-export) gets the same ID and
 * is stored once. Two records identical in every field, time included, are one record.
 *
 * @example deriveEventId('demo', { ts: 1767225600000, level: 'info', message: 'order paid' })
 */
export function deriveEventId(project: string, content: unknown): string {
  const h = createHash('sha256').update(project).update('\u0000').update(canonicalJson(content)).digest();
  h[6] = (h[6]! & 0x0f) | 0x80;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** JSON with object keys sorted at every level, so key order does not change the ID. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
