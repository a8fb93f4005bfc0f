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

/** Literal text in `canonicalJson`'s work stack, as opposed to a value still to be written. */
class Text {
  constructor(readonly text: string) {}
}
const COMMA = new Text(',');

/**
 * JSON with object keys sorted at every level, so key order does not change the ID.
 * Walks with its own stack rather than recursion: an OTLP record may nest as deep as
 * `JSON.parse` reads (100 000 levels and more), far past the call stack. Content is
 * parsed JSON, so it has no cycles.
 */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const item = stack.pop();
    if (item instanceof Text) out.push(item.text);
    else if (Array.isArray(item)) {
      stack.push(new Text(']'));
      for (let i = item.length - 1; i >= 0; i--) {
        // A hole is written as nothing, as `join` writes it.
        stack.push(i in item ? item[i] : new Text(''));
        if (i > 0) stack.push(COMMA);
      }
      stack.push(new Text('['));
    } else if (item !== null && typeof item === 'object') {
      const entries = Object.entries(item as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      stack.push(new Text('}'));
      for (let i = entries.length - 1; i >= 0; i--) {
        const [k, v] = entries[i]!;
        stack.push(v, new Text(`${JSON.stringify(k)}:`));
        if (i > 0) stack.push(COMMA);
      }
      stack.push(new Text('{'));
    } else out.push(JSON.stringify(item) ?? 'null');
  }
  return out.join('');
}
