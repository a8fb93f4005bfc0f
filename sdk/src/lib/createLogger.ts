import { safely } from './safely.js';

export type Logger = (...args: unknown[]) => void;

/**
 * Console output for `debug: true`; silent otherwise, so a store's console shows nothing
 * from the SDK unless someone asked. A page may have replaced console with something
 * that throws.
 */
export function createLogger(debug: unknown): Logger {
  return (...args) => void (debug && safely(() => console.warn('[lifeline]', ...args)));
}
