/**
 * The `<script>` tag that loaded the SDK, to read its `data-*` options.
 *
 * `document.currentScript` is null when the code runs from a callback rather than as the
 * script itself (tag managers that fetch and eval, some loaders); then the tag is the one
 * with a `data-key` whose src mentions lifeline.
 */
export function findScript(): HTMLScriptElement | undefined {
  const current = document.currentScript as HTMLScriptElement | null;
  if (current && current.dataset && current.dataset.key) return current;
  return document.querySelector<HTMLScriptElement>('script[data-key][src*="lifeline"]') ?? undefined;
}
