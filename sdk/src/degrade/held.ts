/**
 * Controls the SDK disabled, with what they had before: their `aria-disabled` attribute
 * and their `disabled` property. Restoring exactly that keeps a button the page had
 * disabled itself disabled after recovery. Weak, so removed elements are not kept alive.
 */
const held = new WeakMap<Element, [string | null, boolean]>();

type Control = Element & { disabled?: boolean };

export function hold(el: Control): void {
  if (held.has(el)) return;
  held.set(el, [el.getAttribute('aria-disabled'), !!el.disabled]);
  el.setAttribute('aria-disabled', 'true');
  if ('disabled' in el) el.disabled = true;
}

export function release(el: Control): void {
  const was = held.get(el);
  if (!was) return;
  held.delete(el);
  if (was[0] == null) el.removeAttribute('aria-disabled');
  else el.setAttribute('aria-disabled', was[0]);
  if ('disabled' in el) el.disabled = was[1];
}

/** Whether the SDK holds `el` disabled. */
export function isHeld(el: Element | null | undefined): boolean {
  return held.has(el!);
}
