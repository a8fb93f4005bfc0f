import type { FeatureStatus, NoticeTexts } from './types.js';

/**
 * Fixed at the bottom, over the page, so showing it moves nothing (no layout shift); in
 * the page's own font. Inserted first in <head> so the store's own rules for
 * `.lifeline-notice` win ties; `--lifeline-bg` and `--lifeline-fg` change its colours.
 * `[data-lifeline-state]` dims a degraded feature, which moves nothing either.
 */
const CSS =
  '.lifeline-notice{position:fixed;z-index:99999;left:16px;right:16px;bottom:16px;margin:auto;max-width:40em;padding:12px 16px;border-radius:8px;background:var(--lifeline-bg,#222);color:var(--lifeline-fg,#fff)}' +
  '.lifeline-notice button{margin-left:12px;font:inherit}' +
  '[data-lifeline-state]{opacity:.6}';

/** A new `tag` element, appended to `parent`, with `props` set. */
const make = <K extends keyof HTMLElementTagNameMap>(tag: K, parent: Node, props: Partial<HTMLElementTagNameMap[K]> = {}) =>
  Object.assign(parent.appendChild(document.createElement(tag)), props);

/**
 * The notice customers see while any feature is not ok: one line of text (each distinct
 * flag message, or the default text for the state) and a dismiss button. A live region
 * (`role="status"`), so screen readers announce it without moving focus. Dismissed, it
 * stays hidden until the text changes. Returns the function that shows the current
 * features; it does nothing until <body> exists. Built with DOM calls rather than HTML
 * text, so it also works on pages that enforce Trusted Types.
 */
export function createNotice(texts?: NoticeTexts): (bad: FeatureStatus[]) => void {
  const t: Required<NoticeTexts> = {
    degraded: 'Some features may not work right now.',
    down: 'Some features are unavailable right now. Please try again later.',
    dismiss: 'Dismiss',
    ...texts,
  };
  let box: HTMLElement | undefined;
  let line: HTMLElement;
  let shown = '';
  let dismissed = false;
  return (bad) => {
    const text = [...new Set(bad.map((s) => s.message || t[s.state as 'down']))].join(' ');
    if (text != shown) dismissed = false;
    shown = text;
    if (!box && text && document.body) {
      document.head.prepend(Object.assign(document.createElement('style'), { textContent: CSS }));
      box = make('div', document.body, { className: 'lifeline-notice' });
      box.setAttribute('role', 'status');
      box.setAttribute('aria-live', 'polite');
      line = make('span', box);
      make('button', box, { type: 'button', textContent: t.dismiss, onclick: () => (dismissed = box!.hidden = true) });
    }
    if (!box) return;
    // Only when it changed: rewriting the text is a DOM mutation, which would wake the
    // observer that calls this again.
    if (line.textContent != text) line.textContent = text;
    box.hidden = dismissed || !text;
  };
}
