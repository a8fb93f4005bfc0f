import { ErrorEvent } from '@lifeline/protocol';
import { LIMITS } from '@lifeline/protocol/limits';
import { describe, expect, it } from 'vitest';
import { describeError } from '../../src/lib/describeError.js';

class CheckoutError extends Error {
  override name = 'CheckoutError';
}

describe('describeError', () => {
  it('takes message, type and stack from Errors and their subclasses', () => {
    const fields = describeError(new CheckoutError('card declined'));
    expect(fields).toMatchObject({ message: 'card declined', error_type: 'CheckoutError' });
    expect(fields.stack).toContain('card declined');
  });

  it('accepts error-like objects from other frames', () => {
    expect(describeError({ name: 'TypeError', message: 'x is undefined', stack: 'TypeError: x…' })).toEqual({
      message: 'x is undefined',
      error_type: 'TypeError',
      stack: 'TypeError: x…',
    });
  });

  it.each([
    ['a string', 'nope', 'nope'],
    ['a number', 42, '42'],
    ['undefined', undefined, 'undefined'],
    ['null', null, 'null'],
    ['an object', { code: 42 }, '{"code":42}'],
    ['an object without a prototype', Object.create(null), '{}'],
    ['a symbol', Symbol('s'), 'Symbol(s)'],
  ])('describes %s by its text, without type or stack', (_label, value, message) => {
    expect(describeError(value)).toEqual({ message });
  });

  it('cuts message, stack and type to the protocol limits', () => {
    const error = new Error('m'.repeat(LIMITS.message + 10));
    error.name = 'N'.repeat(500);
    error.stack = 's'.repeat(LIMITS.stack + 10);
    const fields = describeError(error);
    expect(fields.message).toHaveLength(LIMITS.message);
    expect(fields.stack).toHaveLength(LIMITS.stack);
    expect(fields.error_type).toHaveLength(LIMITS.label);
    const event = { kind: 'error', event_id: crypto.randomUUID(), ts: Date.now(), ...fields };
    expect(ErrorEvent.safeParse(event).success).toBe(true);
  });
});
