import type { Integration } from '../core/types.js';
import { safely } from '../lib/safely.js';
import { selector } from '../lib/selector.js';

/**
 * Adds a `click` breadcrumb, the clicked element's selector, for every click. Capture
 * phase, so a handler that stops propagation cannot hide the click.
 */
export function clickBreadcrumbs(): Integration {
  return {
    name: 'clicks',
    setup(client) {
      addEventListener('click', (event) => safely(() => client.crumb('click', selector(event.target) ?? '?')), true);
    },
  };
}
