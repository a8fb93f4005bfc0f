import { safely } from './safely.js';

/**
 * localStorage that never throws. Reading `window.localStorage` itself throws in
 * sandboxed iframes and with storage blocked; quota errors throw on write.
 * Callers fall back to memory when these return undefined or false.
 */
export function storageGet(key: string): string | undefined {
  return safely(() => localStorage.getItem(key) ?? undefined);
}

/** Stores `value` under `key`, or removes the key when `value` is undefined. False when storage refused. */
export function storageSet(key: string, value?: string): boolean {
  return safely(() => {
    if (value == null) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
    return true;
  }, false);
}
