/**
 * A short CSS selector for an element, for click breadcrumbs and web-vitals targets:
 * up to three levels of `tag#id` or `tag.class`, stopping at the first id
 * (`div.cart>button.pay`). Undefined for anything that is not an element.
 */
export function selector(node: unknown): string | undefined {
  let out = '';
  for (let el = node as Element | null, depth = 0; el && el.nodeType === 1 && depth < 3; el = el.parentElement, depth++) {
    const cls = typeof el.className === 'string' && el.className.trim().split(/\s+/)[0];
    const part = el.localName + (el.id ? `#${el.id}` : cls ? `.${cls}` : '');
    out = out ? `${part}>${out}` : part;
    if (el.id) break;
  }
  return out || undefined;
}
