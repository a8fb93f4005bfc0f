import { setAttribute } from '../lib/setAttribute.js';

/**
 * Controls the SDK disabled, with what they had before: their `aria-disabled` attribute
 * and their `disabled` property. Restoring exactly that keeps a button the page had
 * disabled itself disabled after recovery. Weak, so removed elements are not kept alive.
 */
const held = new WeakMap<Element, [string | null, boolean]>();

type Control = Element & { disabled?: boolean };

/** Holds `el` disabled (`on`), or gives it back what it had. */
export function hold(el: Control, on: boolean): void {
  const was = held.get(el);
  if (on == !!was) return;
  if (on) held.set(el, [el.getAttribute('aria-disabled'), !!el.disabled]);
  else held.delete(el);
  setAttribute(el, 'aria-disabled', on ? 'true' : was![0]);
  if ('disabled' in el) el.disabled = on || was![1];
}

/** Whether the SDK holds `el` disabled. */
export function isHeld(el: Element | null | undefined): boolean {
  return held.has(el!);
}
