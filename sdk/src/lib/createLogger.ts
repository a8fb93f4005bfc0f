export type Logger = (...args: unknown[]) => void;

/**
 * Console output for `debug: true`; silent otherwise, so a store's console shows nothing
 * from the SDK unless someone asked.
 */
export function createLogger(debug: boolean): Logger {
  return (...args) => {
    if (!debug) return;
    try {
      console.warn('[lifeline]', ...args);
    } catch {
      // A page may have replaced console with something that throws.
    }
  };
}
