import type { StackFrame } from '@lifeline/protocol';
import { LIMITS } from '@lifeline/protocol/limits';
import { clip } from './clip.js';

// One line of a stack trace, in any of the three engines' formats:
//   Chromium:         "    at fn (https://x/app.js:10:5)"  or  "    at https://x/app.js:10:5"
//   Firefox, Safari:  "fn@https://x/app.js:10:5"           or  "@https://x/app.js:10:5"
//   Safari, bare:     "https://x/app.js:10:5"
const FRAME = /^\s*(?:at (?:(.+?) \()?|(.*?)@)?(.+?):(\d+):(\d+)\)?\s*$/;

/**
 * The frames of a stack trace, innermost first, as far as they carry a file, line and
 * column (`[native code]` and `<anonymous>` frames are skipped). Lines longer than 1000
 * characters are skipped too, so a hostile stack cannot make the regex slow.
 *
 * @example parseStack('Error: x\n    at pay (https://shop/app.js:3:7)') // [{ fn: 'pay', file: 'https://shop/app.js', line: 3, col: 7 }]
 */
export function parseStack(stack: string): StackFrame[] {
  const frames: StackFrame[] = [];
  for (const line of stack.split('\n')) {
    const m = line.length < 1000 ? FRAME.exec(line) : null;
    if (m && frames.length < LIMITS.frames) {
      const fn = m[1] || m[2];
      frames.push({ ...(fn && { fn: clip(fn, LIMITS.name) }), file: clip(m[3]!, LIMITS.url), line: +m[4]!, col: +m[5]! });
    }
  }
  return frames;
}
