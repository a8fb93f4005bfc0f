const encoder = new TextEncoder();

/**
 * One Server-Sent Events message (https://html.spec.whatwg.org/multipage/server-sent-events.html).
 * `data` must be a single line; JSON from `JSON.stringify` always is.
 *
 * @example sseEvent('status', JSON.stringify(body)) // "event: status\ndata: {…}\n\n" as bytes
 */
export function sseEvent(event: string, data: string): Uint8Array {
  return encoder.encode(`event: ${event}\ndata: ${data}\n\n`);
}

/** An SSE comment line: ignored by EventSource, but it keeps the connection busy. */
export function sseComment(text: string): Uint8Array {
  return encoder.encode(`: ${text}\n\n`);
}
