/**
 * The group an error belongs to, in SQL: its `fingerprint` when the SDK sent one,
 * otherwise its type and message with UUIDs, hex of 8+ characters and numbers replaced,
 * so `Order 8812 not found` and `Order 9913 not found` are one group.
 */
export const errorKey = () => `if(fingerprint != '', fingerprint, concat(
  if(error_type = '', 'Error', toString(error_type)), ': ',
  replaceRegexpAll(replaceRegexpAll(replaceRegexpAll(left(message, 500),
    '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}', '{uuid}'),
    '\\\\b[0-9a-fA-F]{8,}\\\\b', '{hex}'),
    '[0-9]+', '{n}')))`;
