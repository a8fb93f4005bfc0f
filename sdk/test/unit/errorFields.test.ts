import { ErrorEvent } from '@lifeline/protocol';
import { describe, expect, it } from 'vitest';
import { errorFields } from '../../src/lib/errorFields.js';
import { hash } from '../../src/lib/hash.js';
import { parseStack } from '../../src/lib/parseStack.js';

const CHROMIUM = `TypeError: Cannot read properties of undefined (reading 'price')
    at total (https://shop.test/assets/app.js:12:34)
    at async Cart.render (https://shop.test/assets/app.js?v=3:40:7)
    at new Checkout (https://shop.test/checkout.js:5:1)
    at Array.forEach (<anonymous>)
    at https://shop.test/inline.html:80:9`;

const FIREFOX = `total@https://shop.test/assets/app.js:12:34
render/<@https://shop.test/assets/app.js:40:7
@https://shop.test/inline.html:80:9
`;

const SAFARI = `total@https://shop.test/assets/app.js:12:34
render@https://shop.test/assets/app.js:40:7
forEach@[native code]
global code@https://shop.test/inline.html:80:9
https://shop.test/bare.js:3:4`;

describe('parseStack', () => {
  it('reads Chromium stacks', () => {
    expect(parseStack(CHROMIUM)).toEqual([
      { fn: 'total', file: 'https://shop.test/assets/app.js', line: 12, col: 34 },
      { fn: 'async Cart.render', file: 'https://shop.test/assets/app.js?v=3', line: 40, col: 7 },
      { fn: 'new Checkout', file: 'https://shop.test/checkout.js', line: 5, col: 1 },
      { file: 'https://shop.test/inline.html', line: 80, col: 9 },
    ]);
  });

  it('reads Firefox stacks', () => {
    expect(parseStack(FIREFOX)).toEqual([
      { fn: 'total', file: 'https://shop.test/assets/app.js', line: 12, col: 34 },
      { fn: 'render/<', file: 'https://shop.test/assets/app.js', line: 40, col: 7 },
      { file: 'https://shop.test/inline.html', line: 80, col: 9 },
    ]);
  });

  it('reads Safari stacks', () => {
    expect(parseStack(SAFARI)).toEqual([
      { fn: 'total', file: 'https://shop.test/assets/app.js', line: 12, col: 34 },
      { fn: 'render', file: 'https://shop.test/assets/app.js', line: 40, col: 7 },
      { fn: 'global code', file: 'https://shop.test/inline.html', line: 80, col: 9 },
      { file: 'https://shop.test/bare.js', line: 3, col: 4 },
    ]);
  });

  it('keeps at most 50 frames and skips absurdly long lines', () => {
    const deep = Array.from({ length: 80 }, (_, i) => `    at f${i} (https://s.test/a.js:${i}:1)`).join('\n');
    expect(parseStack(deep)).toHaveLength(50);
    expect(parseStack(`    at f (https://s.test/${'a'.repeat(2000)}.js:1:1)`)).toEqual([]);
  });
});

describe('errorFields', () => {
  it('builds a valid error event body with frames and a fingerprint', () => {
    const error = new TypeError("Cannot read properties of undefined (reading 'price')");
    error.stack = CHROMIUM;
    const fields = errorFields(error, 'onerror', false);
    expect(fields).toMatchObject({ kind: 'error', error_type: 'TypeError', mechanism: 'onerror', handled: false });
    expect(fields.frames).toHaveLength(4);
    expect(fields.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(ErrorEvent.safeParse({ event_id: crypto.randomUUID(), ts: 1, ...fields }).success).toBe(true);
  });

  it('groups by type, message without digits, and functions and files (not lines or query)', () => {
    const at = (message: string, stack: string) => Object.assign(new Error(message), { stack });
    const a = errorFields(at('order 8812 not found', '    at load (https://s.test/a.js?v=1:10:5)'), 'manual', true);
    const b = errorFields(at('order 17 not found', '    at load (https://s.test/a.js?v=2:99:1)'), 'manual', true);
    const c = errorFields(at('order 17 not found', '    at save (https://s.test/a.js:10:5)'), 'manual', true);
    const d = errorFields(at('cart empty', '    at load (https://s.test/a.js:10:5)'), 'manual', true);
    expect(a.fingerprint).toBe(b.fingerprint);
    expect(new Set([a.fingerprint, c.fingerprint, d.fingerprint]).size).toBe(3);
  });

  it('uses the given frames when there is no stack (a cross-origin "Script error.")', () => {
    const fields = errorFields('Script error.', 'onerror', false, [{ file: 'https://cdn.test/x.js', line: 1, col: 2 }]);
    expect(fields).toMatchObject({ message: 'Script error.', frames: [{ file: 'https://cdn.test/x.js' }] });
    expect(fields).not.toHaveProperty('stack');
  });
});

describe('hash', () => {
  it('is stable, 16 hex characters, and differs for different text', () => {
    expect(hash('abc')).toBe(hash('abc'));
    expect(hash('abc')).toMatch(/^[0-9a-f]{16}$/);
    expect(hash('')).toMatch(/^[0-9a-f]{16}$/);
    expect(new Set(Array.from({ length: 10_000 }, (_, i) => hash(`TypeError|x${i}`))).size).toBe(10_000);
  });
});
