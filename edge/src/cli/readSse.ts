/** One Server-Sent Events message: an event with its data, or a comment line. */
export interface SseMessage {
  event?: string;
  data?: string;
  comment?: string;
}

/**
 * Splits a `text/event-stream` body into messages, as EventSource does: blocks end with a
 * blank line, `data:` lines join with newlines, a line starting with `:` is a comment.
 * Web APIs only, so the CLI, the benchmark and the workerd tests share it.
 *
 * @example for await (const message of readSse(response.body!)) console.log(message.event, message.data)
 */
export async function* readSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseMessage> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      let end = buffer.search(/\r?\n\r?\n/);
      while (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, '');
        yield parseBlock(block);
        end = buffer.search(/\r?\n\r?\n/);
      }
      const { done, value } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}

function parseBlock(block: string): SseMessage {
  const message: SseMessage = {};
  for (const line of block.split(/\r?\n/)) {
    if (line.startsWith(':')) message.comment = line.slice(1).trim();
    else if (line.startsWith('event:')) message.event = line.slice(6).trim();
    else if (line.startsWith('data:')) message.data = (message.data === undefined ? '' : `${message.data}\n`) + line.slice(5).replace(/^ /, '');
  }
  return message;
}
