/**
 * Calls `callback` when the page may be about to go away: `visibilitychange` to hidden
 * (the last event mobile browsers reliably fire before discarding a tab) and `pagehide`
 * (navigation, close, bfcache). Both can fire for one unload; callers must be idempotent.
 * https://developer.chrome.com/docs/web-platform/page-lifecycle-api#the_unload_event
 */
export function onPageHide(callback: () => void): void {
  // Capture phase, so a page handler that stops propagation cannot hide the event from us.
  addEventListener('pagehide', callback, true);
  document.addEventListener(
    'visibilitychange',
    () => {
      if (document.visibilityState === 'hidden') callback();
    },
    true,
  );
}
