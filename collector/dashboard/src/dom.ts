type Child = Node | string | number | null | undefined | false | Child[];
type Attrs = Record<string, string | number | boolean | undefined | null | ((e: Event) => void)>;

/**
 * Creates an element: `h('a', { href: '#/errors', class: 'link' }, 'Errors')`. Attributes
 * starting with `on` are listeners; text children are text nodes, never parsed as HTML.
 */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.slice(2).toLowerCase(), v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

function append(el: Node, children: Child[]) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.appendChild(typeof c === 'object' ? c : document.createTextNode(String(c)));
  }
}

/** Replaces an element's content. */
export function fill(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

/** A short notice in a panel: loading, empty, or an error. */
export const notice = (text: string, kind: 'muted' | 'error' = 'muted') => h('p', { class: `notice ${kind}`, role: kind === 'error' ? 'alert' : undefined }, text);

/** A titled panel. */
export const panel = (title: string, ...children: Child[]) => h('section', { class: 'panel' }, h('h2', {}, title), ...children);
