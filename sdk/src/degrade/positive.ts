/** `value` when it is a positive number, else `fallback`: options come from pages and tag attributes. */
export function positive(value: unknown, fallback: number): number {
  return typeof value == 'number' && value > 0 ? value : fallback;
}
