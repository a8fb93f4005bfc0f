import { LIMITS } from '@lifeline/protocol/limits';
import { clip } from './clip.js';
import { stringify } from './stringify.js';

export interface ErrorFields {
  message: string;
  error_type?: string;
  stack?: string;
}

/**
 * The message, type and stack of anything that was thrown or rejected, cut to the
 * protocol's limits. Errors from other frames fail `instanceof Error`, so anything with a
 * string message counts. Non-Errors (`throw 'nope'`, `Promise.reject({ code: 42 })`)
 * become their text, with no type and no stack.
 */
export function describeError(value: unknown): ErrorFields {
  const e = value as { message?: unknown; name?: unknown; stack?: unknown } | null;
  if (typeof e != 'object' || typeof e?.message != 'string') return { message: clip(stringify(value), LIMITS.message) };
  const { name, stack } = e;
  return {
    message: clip(e.message, LIMITS.message),
    ...(typeof name == 'string' && name && { error_type: clip(name, LIMITS.label) }),
    ...(typeof stack == 'string' && stack && { stack: clip(stack, LIMITS.stack) }),
  };
}
