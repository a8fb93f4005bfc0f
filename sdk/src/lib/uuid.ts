/**
 * A random (version 4) UUID for `event_id` and session IDs.
 *
 * `crypto.randomUUID` exists only in secure contexts (https, localhost), and a store may
 * still serve some pages over plain http, so we fall back to `getRandomValues`, which is
 * available everywhere, and to Math.random only where Web Crypto is missing entirely.
 */
export function uuid(): string {
  const c = globalThis.crypto;
  try {
    if (c && typeof c.randomUUID === 'function') return c.randomUUID();
  } catch {
    // Some embedded browsers define randomUUID but throw outside secure contexts.
  }
  const b = new Uint8Array(16);
  try {
    c.getRandomValues(b);
  } catch {
    for (let i = 0; i < 16; i++) b[i] = (Math.random() * 256) | 0;
  }
  b[6] = (b[6]! & 0x0f) | 0x40; // version 4
  b[8] = (b[8]! & 0x3f) | 0x80; // RFC 9562 variant
  let hex = '';
  for (let i = 0; i < 16; i++) hex += (b[i]! + 0x100).toString(16).slice(1);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
