import { readSse, type SseMessage } from '../../src/cli/readSse';

/**
 * Reads a status stream one message at a time with the CLI's parser. `next()` fails
 * after `timeoutMs`, so a message that never comes fails the test instead of hanging it.
 */
export function sseReader(body: ReadableStream<Uint8Array>) {
  const messages = readSse(body);

  async function next(timeoutMs = 5000): Promise<SseMessage> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no SSE message within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      const { done, value } = await Promise.race([messages.next(), timeout]);
      if (done) throw new Error('the stream ended');
      return value;
    } finally {
      if (timer !== undefined) clearTimeout(timer);
    }
  }

  return { next, cancel: async () => void (await messages.return(undefined)) };
}
