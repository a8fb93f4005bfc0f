/** `n` as 8 hex digits, zero-padded. */
const hex8 = (n: number) => ((n >>> 0) + 2 ** 32).toString(16).slice(1);

/**
 * A 64-bit, 16-hex-character hash of `text` (two 32-bit FNV-1a variants), for grouping:
 * equal text gives an equal hash in every browser and release. Not cryptographic.
 *
 * @example hash('TypeError|x is undefined') // '3f5c…' (16 characters)
 */
export function hash(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  return hex8(a) + hex8(b);
}
