import type { ErrorEvent, StackFrame } from '@lifeline/protocol';
import { describeError } from './describeError.js';
import { hash } from './hash.js';
import { parseStack } from './parseStack.js';

export type ErrorFields = Omit<ErrorEvent, 'event_id' | 'ts'>;

/**
 * A complete `error` event body for anything thrown or rejected: message, type, stack,
 * parsed frames and a fingerprint. `frames` stands in when there is no stack (a
 * cross-origin "Script error." still has a file and line).
 *
 * The fingerprint groups occurrences of one error: its type, its message with digits
 * blanked (`order 8812 not found` and `order 17 not found` are one error), and the
 * function and file (without query) of the five innermost frames. Line numbers are left
 * out so an unrelated edit above the throw does not split the group.
 *
 * @example errorFields(new TypeError('x is undefined'), 'manual', true)
 */
export function errorFields(value: unknown, mechanism: string, handled: boolean, frames: StackFrame[] = []): ErrorFields {
  const described = describeError(value);
  if (described.stack) frames = parseStack(described.stack);
  const top = frames.slice(0, 5).map((f) => `${f.fn}@${f.file?.split(/[?#]/)[0]}`);
  return {
    kind: 'error',
    ...described,
    ...(frames[0] && { frames }),
    fingerprint: hash([described.error_type, described.message.replace(/\d+/g, '0'), ...top].join('|')),
    mechanism,
    handled,
  };
}
