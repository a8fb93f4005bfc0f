import type { BrowserEvent } from '@lifeline/protocol';
import { createLogger } from '../lib/createLogger.js';
import { createSession } from '../lib/createSession.js';
import { currentUrl } from '../lib/currentUrl.js';
import { onPageHide } from '../lib/onPageHide.js';
import { safely } from '../lib/safely.js';
import { uuid } from '../lib/uuid.js';
import type { ResolvedOptions } from '../options.js';
import { createTransport, type Send } from '../transport/createTransport.js';
import { SDK_NAME, SDK_VERSION } from '../version.js';
import type { Client, Integration, Processor, RequestHook } from './types.js';

export interface ClientSetup {
  options: ResolvedOptions;
  integrations: Integration[];
  send: Send;
}

/**
 * The core: completes events with the fields every event carries, runs processors,
 * hands events to the transport and flushes when the page is hidden. Everything it
 * records comes from integrations, each set up on its own so one failing to start does
 * not stop the others.
 */
export function createClient({ options, integrations, send }: ClientSetup): Client {
  const log = createLogger(options.debug);
  const session = createSession();
  const transport = createTransport(
    { url: options.url, key: options.key, sdk: { name: SDK_NAME, version: SDK_VERSION }, log },
    send,
  );
  const processors: Processor[] = [];
  const requestHooks: RequestHook[] = [];

  const client: Client = {
    options,
    transport,
    log,
    addProcessor: (processor) => {
      processors.push(processor);
    },
    sessionId: () => session.id(false),
    requestHooks,
    onRequest: (hook) => {
      requestHooks.push(hook);
    },
    capture(fields) {
      let event: BrowserEvent | null = {
        event_id: uuid(),
        ts: Date.now(),
        session_id: session.id(),
        anon_id: session.anonId(),
        url: currentUrl(),
        release: options.release,
        environment: options.environment,
        ...fields,
      } as BrowserEvent;
      for (const processor of processors) {
        try {
          event = processor(event);
        } catch (error) {
          // A processor may be the one that scrubs personal data; sending unscrubbed is worse than not sending.
          log('a processor threw; event dropped', error);
          return undefined;
        }
        if (!event) return undefined;
      }
      transport.enqueue(event);
      log('queued', event);
      return event.event_id;
    },
  };

  safely(() => onPageHide(() => void transport.flush()));
  for (const integration of integrations) {
    try {
      integration.setup(client);
    } catch (error) {
      log(`${integration.name} did not start`, error);
    }
  }
  return client;
}
