/** Escapes text for HTML content and attribute values. */
export const esc = (s: string | number): string =>
  String(s).replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
