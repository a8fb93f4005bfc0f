/**
 * OTLP/JSON sends trace and span IDs as hex strings (the one place OTLP/JSON departs from
 * the protobuf JSON mapping, which would use base64); some senders use base64 anyway.
 * Both are read and written as lowercase hex. An all-zero ID means "none".
 */
export function otlpId(v: unknown, bytes: 16 | 8): string | undefined {
  if (typeof v !== 'string' || v === '') return undefined;
  let hex: string | undefined;
  if (v.length === bytes * 2 && /^[0-9a-fA-F]+$/.test(v)) hex = v.toLowerCase();
  else if (/^[A-Za-z0-9+/]+={0,2}$/.test(v)) {
    const buf = Buffer.from(v, 'base64');
    if (buf.length === bytes) hex = buf.toString('hex');
  }
  return hex && !/^0+$/.test(hex) ? hex : undefined;
}

/**
 * Nanoseconds since the epoch (a decimal string, as 64-bit integers are sent, or a number)
 * as whole milliseconds; undefined for zero or garbage ("unset" in OTLP).
 */
export function nanosToMs(v: unknown): number | undefined {
  if (typeof v === 'string' && /^\d+$/.test(v)) {
    const ms = v.length > 6 ? Number(v.slice(0, -6)) : 0;
    return ms > 0 ? ms : undefined;
  }
  if (typeof v === 'number' && Number.isFinite(v) && v > 0) {
    const ms = Math.floor(v / 1e6);
    return ms > 0 ? ms : undefined;
  }
  return undefined;
}
