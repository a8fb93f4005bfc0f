let encoder: TextEncoder | undefined;

/**
 * UTF-8 size of a string: batch limits are in bytes, and a non-ASCII string takes up to
 * three bytes per character. Where TextEncoder is missing, the upper bound is used so a
 * batch is never larger than we think.
 */
export function byteLength(value: string): number {
  try {
    encoder ??= new TextEncoder();
    return encoder.encode(value).length;
  } catch {
    return value.length * 3;
  }
}
