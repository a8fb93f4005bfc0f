import { BrowserEvent, SdkBatch } from '@lifeline/protocol';
import type { TestServer } from './server.js';

/** Every posted batch and event, checked against the protocol's schemas. */
export function parsedEvents(server: TestServer): BrowserEvent[] {
  return server.bodies().flatMap((body) => SdkBatch.parse(body).events.map((e) => BrowserEvent.parse(e)));
}

/** Parsed events of one kind. */
export function eventsOf<K extends BrowserEvent['kind']>(server: TestServer, kind: K): Extract<BrowserEvent, { kind: K }>[] {
  return parsedEvents(server).filter((e): e is Extract<BrowserEvent, { kind: K }> => e.kind === kind);
}
