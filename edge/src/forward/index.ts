import type { CollectorBatch } from '@lifeline/protocol';
import type { Config } from '../config';
import type { Bindings } from '../env';
import { forwardOverHttp } from './http';
import { forwardToQueue } from './queue';
import type { ForwardResult } from './result';

export type { ForwardResult } from './result';
export { forwardFailure } from './result';

/** Where accepted batches go next. */
export interface Forwarder {
  readonly via: 'queue' | 'http';
  send(batch: CollectorBatch): Promise<ForwardResult>;
}

/**
 * The queue when `LIFELINE_QUEUE` is bound (the `queue` environment), otherwise a direct,
 * retried POST to `LIFELINE_COLLECTOR_URL`.
 */
export function forwarderFor(env: Bindings, config: Config): Forwarder {
  const queue = env.LIFELINE_QUEUE;
  if (queue) {
    return { via: 'queue', send: (batch) => forwardToQueue(queue, batch) };
  }
  return { via: 'http', send: (batch) => forwardOverHttp(batch, { config }) };
}
