import { setAttribute } from '../lib/setAttribute.js';
import { hold } from './held.js';
import type { FeatureState } from './types.js';

/** What a degraded feature disables: its controls, its links and its forms. */
const CONTROLS = 'a,button,input,select,textarea,fieldset,form';

/**
 * Shows `state` in the page's markup for feature `name` (a checked feature name, safe in
 * a selector): `data-lifeline-state` on each `[data-lifeline-feature]` element (removed
 * when ok), its controls held disabled while not ok, and `[data-lifeline-fallback]`
 * elements shown only while down. Idempotent, so it can run again for elements added later.
 */
export function markFeature(name: string, state: FeatureState): void {
  const bad = state != 'ok';
  for (const el of document.querySelectorAll(`[data-lifeline-feature="${name}"]`)) {
    setAttribute(el, 'data-lifeline-state', bad ? state : null);
    for (const c of [el, ...el.querySelectorAll(CONTROLS)]) if (c.matches(CONTROLS)) hold(c, bad);
  }
  for (const el of document.querySelectorAll<HTMLElement>(`[data-lifeline-fallback="${name}"]`)) el.hidden = state != 'down';
}
