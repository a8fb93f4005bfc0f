/**
 * A random (version 4) UUID for `event_id`, session and request IDs.
 *
 * `crypto.randomUUID` exists only in secure contexts (https, localhost), and a store may
 * still serve some pages over plain http, so the fallback builds one from
 * `crypto.getRandomValues`, which is available everywhere.
 */
export function uuid(): string {
  try {
    return crypto.randomUUID();
  } catch {
    // Each 0, 1 or 8 of the template becomes a random hex digit, keeping the version (4)
    // and the RFC 9562 variant bits (8 to b).
    const random = crypto.getRandomValues(new Uint8Array(31));
    let i = 0;
    return '10000000-1000-4000-8000-100000000000'.replace(/[018]/g, (c) => (+c ^ (random[i++]! & (15 >> (+c / 4)))).toString(16));
  }
}
