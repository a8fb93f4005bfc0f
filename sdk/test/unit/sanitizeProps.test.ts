import { props as PropsSchema } from '@lifeline/protocol';
import { LIMITS } from '@lifeline/protocol/limits';
import { describe, expect, it } from 'vitest';
import { sanitizeProps } from '../../src/lib/sanitizeProps.js';

const circular: Record<string, unknown> = { a: 1 };
circular.self = circular;

describe('sanitizeProps', () => {
  it.each([
    ['undefined', undefined, undefined],
    ['null', null, undefined],
    ['a string', 'text', undefined],
    ['an array', [1, 2], undefined],
    ['an empty object', {}, undefined],
    ['scalars', { s: 'a', n: 1.5, b: true, z: null }, { s: 'a', n: 1.5, b: true, z: null }],
    ['non-finite numbers', { a: NaN, b: Infinity }, { a: null, b: null }],
    ['a bigint', { a: BigInt(12) }, { a: '12' }],
    ['dates', { a: new Date(0), b: new Date('nope') }, { a: '1970-01-01T00:00:00.000Z', b: null }],
    ['nested values', { a: { b: [1, 'c'] } }, { a: '{"b":[1,"c"]}' }],
    ['a cycle', { c: circular }, { c: '{"a":1,"self":"[Circular]"}' }],
    ['nothing-values', { u: undefined, f: () => 1, s: Symbol('x') }, undefined],
    ['forbidden keys', JSON.parse('{"__proto__":1,"constructor":2,"prototype":3,"ok":4}'), { ok: 4 }],
  ])('handles %s', (_label, input, expected) => {
    const out = sanitizeProps(input);
    expect(out).toEqual(expected);
    if (out) expect(PropsSchema.safeParse(out).success).toBe(true);
  });

  it('cuts long keys and values, and keeps at most LIMITS.propKeys keys', () => {
    const input: Record<string, string> = { ['k'.repeat(500)]: 'v'.repeat(5000) };
    for (let i = 0; i < 100; i++) input[`key${i}`] = 'x';
    const out = sanitizeProps(input)!;
    expect(Object.keys(out)).toHaveLength(LIMITS.propKeys);
    expect(out['k'.repeat(LIMITS.propKey)]).toHaveLength(LIMITS.propValue);
    expect(PropsSchema.safeParse(out).success).toBe(true);
  });
});
