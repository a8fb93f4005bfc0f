/** Sets attribute `name` of `el` to `value`, or removes it when `value` is null. */
export function setAttribute(el: Element, name: string, value: string | null): void {
  if (value == null) el.removeAttribute(name);
  else el.setAttribute(name, value);
}
