import { describe, expect, it } from 'vitest';
import { readOption } from '../../src/lib/readOption.js';

describe('readOption', () => {
  it.each<[unknown, unknown]>([
    ['{"checkout":["/api/orders"]}', { checkout: ['/api/orders'] }],
    ['{"cooldownMs":5000}', { cooldownMs: 5000 }],
    ['not json', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('reads attribute text %j as %j', (text, expected) => {
    expect(readOption(text as string | undefined)).toEqual(expected);
  });

  it('passes objects from init through untouched', () => {
    const features = { checkout: ['/api/orders'] };
    expect(readOption(features)).toBe(features);
  });
});
