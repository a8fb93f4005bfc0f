import { safely } from './safely.js';

/** `text` parsed as JSON, or undefined when it is not JSON (or not text). */
export function parseJson<T = unknown>(text: unknown): T | undefined {
  return safely(() => JSON.parse(text as string) as T);
}
