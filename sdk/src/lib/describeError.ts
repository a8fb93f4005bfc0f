import { LIMITS } from '@lifeline/protocol/limits';
import { clip } from './clip.js';
import { stringify } from './stringify.js';

export interface ErrorFields {
  message: string;
  error_type?: string;
  stack?: string;
}

interface ErrorLike {
  message: string;
  name?: unknown;
  stack?: unknown;
}

/** Errors from other frames fail `instanceof Error`; anything with a string message will do. */
function isErrorLike(value: unknown): value is ErrorLike {
  return typeof value === 'object' && value !== null && typeof (value as ErrorLike).message === 'string';
}

/**
 * The message, type and stack of anything that was thrown or rejected, cut to the
 * protocol's limits. Non-Errors (`throw 'nope'`, `Promise.reject({ code: 42 })`) become
 * their text, with no type and no stack.
 */
export function describeError(value: unknown): ErrorFields {
  if (!isErrorLike(value)) return { message: clip(stringify(value), LIMITS.message) };
  const fields: ErrorFields = { message: clip(value.message, LIMITS.message) };
  if (typeof value.name === 'string' && value.name) fields.error_type = clip(value.name, LIMITS.label);
  if (typeof value.stack === 'string' && value.stack) fields.stack = clip(value.stack, LIMITS.stack);
  return fields;
}
