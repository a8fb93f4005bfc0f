import type * as lifeline from '../../src/index.js';

declare global {
  interface Window {
    /** Set by dist/lifeline.js. */
    lifeline: typeof lifeline;
  }
}
