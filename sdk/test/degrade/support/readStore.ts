import type { Page } from 'playwright-core';

export interface StoreView {
  state: string | null;
  pay: { disabled: boolean; aria: string | null };
  gift: { disabled: boolean; aria: string | null };
  email: boolean;
  termsAria: string | null;
  fallbackHidden: boolean;
  /** The notice's text while it is shown, else null. */
  notice: string | null;
  feature: { state: string; message?: string; reason?: string };
}

/** What a customer (and assistive technology) sees of `fixtures/store.html`'s checkout. */
export function readStore(page: Page): Promise<StoreView> {
  return page.evaluate(() => {
    const $ = (id: string) => document.getElementById(id) as HTMLButtonElement;
    const notice = document.querySelector<HTMLElement>('.lifeline-notice');
    return {
      state: $('checkout').getAttribute('data-lifeline-state'),
      pay: { disabled: $('pay').disabled, aria: $('pay').getAttribute('aria-disabled') },
      gift: { disabled: $('gift').disabled, aria: $('gift').getAttribute('aria-disabled') },
      email: $('email').disabled,
      termsAria: $('terms').getAttribute('aria-disabled'),
      fallbackHidden: $('fallback').hidden === true,
      notice: notice && !notice.hidden ? notice.querySelector('span')!.textContent : null,
      feature: window.lifeline.feature('checkout'),
    };
  });
}
