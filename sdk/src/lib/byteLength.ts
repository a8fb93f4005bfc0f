/**
 * UTF-8 size of a string: batch limits are in bytes, and a non-ASCII string takes up to
 * three bytes per character.
 */
export function byteLength(value: string): number {
  return new TextEncoder().encode(value).length;
}
