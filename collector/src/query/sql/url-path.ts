/**
 * The path of a URL column in SQL: `path()` for absolute URLs, the text before `?`/`#` for
 * relative ones (the SDK records same-origin calls as `/api/pay`).
 */
export const urlPath = (url: string) =>
  `if(startsWith(${url}, '/'), splitByChar('?', splitByChar('#', ${url})[1])[1], if(path(${url}) = '', '/', path(${url})))`;

/**
 * A path with its IDs replaced, segment by segment, so `/api/orders/FT-123456` and
 * `/api/orders/FT-654321` are one endpoint: UUIDs → `{uuid}`, numbers → `{n}`, letters
 * followed by digits (`FT-123456`, `INV2024001`) → `{id}`, 16+ hex → `{hex}`, and long
 * opaque tokens with digits → `{id}`. Product slugs such as `tee-rose` stay.
 */
export const pathTemplate = (path: string) => `arrayStringConcat(arrayMap(s -> multiIf(
  match(s, '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'), '{uuid}',
  match(s, '^[0-9]+$'), '{n}',
  match(s, '^[A-Za-z]{1,6}[-_]?[0-9]{3,}$'), '{id}',
  match(s, '^[0-9a-fA-F]{16,}$'), '{hex}',
  length(s) >= 20 AND match(s, '^[A-Za-z0-9_-]+$') AND match(s, '[0-9]'), '{id}',
  s), splitByChar('/', ${path})), '/')`;
