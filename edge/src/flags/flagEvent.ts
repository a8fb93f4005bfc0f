import { StoredEvent, type Flag } from '@lifeline/protocol';

export interface FlagEventInput {
  project: string;
  feature: string;
  from: Flag;
  to: Flag;
  actor: string;
  at: number;
  /** Puts the event on the timeline of this request ID. */
  requestId?: string;
}

/**
 * The `flag` event a change becomes on the timeline, enriched as the edge enriches
 * browser events. Its `event_id` is made once, here, and stored with the change, so every
 * retry of its delivery carries the same ID and the collector keeps one copy.
 *
 * @example flagEvent({ project: 'demo', feature: 'checkout', from: { state: 'ok' }, to: { state: 'down' }, actor: 'dev-ops', at: Date.now() })
 */
export function flagEvent(input: FlagEventInput): StoredEvent & { event_id: string } {
  const event = StoredEvent.parse({
    kind: 'flag',
    event_id: crypto.randomUUID(),
    ts: input.at,
    feature: input.feature,
    state: input.to.state,
    from_state: input.from.state,
    ...(input.to.message ? { message: input.to.message } : {}),
    actor: input.actor,
    ...(input.requestId ? { request_id: input.requestId } : {}),
    project: input.project,
    received_at: input.at,
  });
  return event as StoredEvent & { event_id: string };
}

