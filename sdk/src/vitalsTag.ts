import { VITALS_HOOK, type VitalsSetup } from './capture/lazyVitals.js';
import { vitalsCapture } from './capture/vitals.js';

/**
 * `lifeline-vitals.js`: web vitals for the script-tag build, which adds this file after
 * the page has loaded (see `capture/lazyVitals.ts`). It hands the vitals capture to the
 * client waiting on `window.lifelineVitals`; loaded any other way it does nothing.
 */
const hook = (window as unknown as Record<string, ((setup: VitalsSetup) => void) | undefined>)[VITALS_HOOK];
if (typeof hook == 'function') hook((client) => vitalsCapture().setup(client));
