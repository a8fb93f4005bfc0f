/**
 * Cuts a string to at most `max` characters, so an event stays within the protocol's
 * LIMITS instead of being refused whole by the edge.
 */
export function clip(value: string, max: number): string {
  return value.length > max ? value.slice(0, max) : value;
}
