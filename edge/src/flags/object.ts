import { DurableObject } from 'cloudflare:workers';
import {
  PROTOCOL_VERSION,
  STATUS_EVENT,
  type Flag,
  type FlagChangeResponse,
  type FlagHistoryResponse,
  type FlagsResponse,
  type StatusResponse,
} from '@lifeline/protocol';
import { loadConfig } from '../config';
import type { Bindings } from '../env';
import { forwarderFor } from '../forward';
import { log } from '../log';
import { effectiveFlag, expiredFeatures, nextExpiry, normalizeFlag, sameFlag } from './flag';
import { flagEvent } from './flagEvent';
import { EXPIRY_ACTOR, HEARTBEAT_MS, MAX_FEATURES, MAX_STREAM_BACKLOG } from './limits';
import { createListeners } from './listeners';
import { deliverPending } from './outbox';
import { sseEvent } from './sse';
import { createFlagStore, type FlagState, type FlagStore } from './store';

/** A change as the ops API asks for it. */
export interface ChangeRequest {
  feature: string;
  flag: Flag;
  /** The ops token's label. */
  actor: string;
  /** Becomes the `request_id` of the change's flag event. */
  requestId?: string;
}

export type ChangeResult = ({ ok: true } & FlagChangeResponse) | { ok: false; error: 'until_in_past' | 'too_many_features'; reason: string };

/** A status answer: the serialized `StatusResponse`, its version (for the ETag) and its earliest `until`. */
export interface StatusSnapshot {
  version: number;
  body: string;
  expiresAt?: number;
}

/**
 * One project's flags (one instance per project, `idFromName(project)`): the current flags
 * and version, the audit history, the outbox of flag events for the collector, and every
 * open status stream. A Durable Object is a single instance worldwide that handles one
 * request at a time, so changes are ordered and versions never fork, and a change reaches
 * every connected page from the one place that made it.
 */
export class FlagsObject extends DurableObject<Bindings> {
  private readonly store: FlagStore;
  private readonly state: FlagState;
  private readonly listeners = createListeners({ heartbeatMs: HEARTBEAT_MS, maxBacklog: MAX_STREAM_BACKLOG });
  private snapshot: StatusSnapshot | undefined;
  private delivering: Promise<void> | undefined;

  constructor(ctx: DurableObjectState, env: Bindings) {
    super(ctx, env);
    this.store = createFlagStore(ctx.storage);
    this.state = this.store.load(Date.now());
  }

  /** The status served to pages. Expired flags are reverted first, so none is ever reported. */
  async status(project: string): Promise<StatusSnapshot> {
    await this.prepare(project);
    return this.current();
  }

  /** The status plus the number of open streams, for ops. */
  async list(project: string): Promise<FlagsResponse> {
    await this.prepare(project);
    return {
      ...(JSON.parse(this.current().body) as StatusResponse),
      listeners: this.listeners.size,
      pending_events: this.store.pendingCount(),
    };
  }

  /** A status stream: the current status now, then one message per change, and pings. */
  async stream(project: string): Promise<ReadableStream<Uint8Array>> {
    await this.prepare(project);
    return this.listeners.open(sseEvent(STATUS_EVENT, this.current().body));
  }

  async history(project: string, limit: number): Promise<FlagHistoryResponse> {
    await this.prepare(project);
    return { project, history: this.store.history(limit) };
  }

  /** Sets a feature's flag; `{ state: 'ok' }` clears it. Asking for what is in place changes nothing. */
  async change(project: string, request: ChangeRequest): Promise<ChangeResult> {
    await this.prepare(project);
    const now = Date.now();
    const to = normalizeFlag(request.flag);
    if (to.until !== undefined && to.until <= now) {
      return { ok: false, error: 'until_in_past', reason: `until (${new Date(to.until).toISOString()}) is not in the future` };
    }
    const from = effectiveFlag(this.state.flags.get(request.feature), now);
    const unchanged = { ok: true as const, project, feature: request.feature, flag: from, previous: from, version: this.state.version, changed: false };
    if (sameFlag(from, to)) return unchanged;
    if (!this.knows(request.feature) && this.features().length >= MAX_FEATURES) {
      return { ok: false, error: 'too_many_features', reason: `a project may have at most ${MAX_FEATURES} features` };
    }

    const requestId = request.requestId;
    this.apply({ feature: request.feature, from, to, actor: request.actor, cause: 'ops', at: now, ...(requestId ? { requestId } : {}) });
    const version = this.state.version;
    this.broadcast();
    await this.afterChange();
    const answer = { ok: true as const, project, feature: request.feature, flag: to, previous: from, version, changed: true };
    return requestId ? { ...answer, request_id: requestId } : answer;
  }

  /**
   * Waits for a delivery in progress and answers how many flag events still wait for the
   * collector, for whatever must know that deliveries have settled (the tests do).
   */
  async settle(): Promise<number> {
    await this.delivering;
    return this.store.pendingCount();
  }

  /** Fires at the earliest `until`, or when pending flag events are due for another try. */
  override async alarm(): Promise<void> {
    if (this.state.project === undefined) return;
    this.expire(Date.now());
    this.startDelivery();
    await this.delivering;
    await this.scheduleAlarm();
  }

  private async prepare(project: string): Promise<void> {
    if (this.state.project === undefined) {
      this.state.project = project;
      this.store.setProject(project);
    }
    if (this.expire(Date.now())) await this.afterChange();
    else this.startDelivery();
  }

  /** Reverts every flag whose `until` has come; answers whether any did. */
  private expire(now: number): boolean {
    const due = expiredFeatures(this.state.flags, now);
    for (const feature of due) {
      const from = this.state.flags.get(feature)!;
      this.apply({ feature, from, to: { state: 'ok' }, actor: EXPIRY_ACTOR, cause: 'expiry', at: now });
    }
    if (due.length > 0) this.broadcast();
    return due.length > 0;
  }

  private apply(change: { feature: string; from: Flag; to: Flag; actor: string; cause: 'ops' | 'expiry'; at: number; requestId?: string }): void {
    const project = this.state.project!;
    const version = this.state.version + 1;
    const { feature, from, to, actor, cause, at, requestId } = change;
    this.store.commit(
      {
        version,
        updatedAt: at,
        feature,
        flag: to,
        entry: { feature, at, actor, from, to, cause },
        event: flagEvent({ project, feature, from, to, actor, at, ...(requestId ? { requestId } : {}) }),
      },
      at,
    );
    this.state.version = version;
    this.state.updatedAt = at;
    this.state.flags.set(feature, to);
    this.snapshot = undefined;
    log('info', 'flag changed', { project, feature, from: from.state, to: to.state, actor, cause, version });
  }

  private broadcast(): void {
    this.listeners.send(sseEvent(STATUS_EVENT, this.current().body));
  }

  /** Starts delivering the new flag event, without waiting, and moves the alarm. */
  private async afterChange(): Promise<void> {
    this.startDelivery();
    await this.scheduleAlarm();
  }

  private startDelivery(): void {
    if (this.delivering) return;
    const due = this.store.nextDue();
    if (due === undefined || due > Date.now()) return;
    const forwarder = forwarderFor(this.env, loadConfig(this.env));
    this.delivering = (async () => {
      try {
        await deliverPending({ store: this.store, forwarder });
      } catch (err) {
        log('error', 'flag event delivery failed unexpectedly', { message: (err as Error).message });
      } finally {
        this.delivering = undefined;
      }
      // The alarm is the backstop for whatever is still pending (with its backoff).
      await this.scheduleAlarm().catch((err: unknown) => log('error', 'could not set the flags alarm', { message: (err as Error).message }));
    })();
  }

  /** One alarm serves both expiry and redelivery: it is set at whichever comes first. */
  private async scheduleAlarm(): Promise<void> {
    const times = [nextExpiry(this.state.flags), this.store.nextDue()].filter((t): t is number => t !== undefined);
    if (times.length === 0) {
      await this.ctx.storage.deleteAlarm();
      return;
    }
    const at = Math.min(...times);
    if ((await this.ctx.storage.getAlarm()) !== at) await this.ctx.storage.setAlarm(at);
  }

  /** `LIFELINE_FEATURES` in their configured order, then any other feature ever set, by name. */
  private features(): string[] {
    const configured = loadConfig(this.env).features;
    const extra = [...this.state.flags.keys()].filter((f) => !configured.includes(f)).sort();
    return [...configured, ...extra];
  }

  private knows(feature: string): boolean {
    return this.state.flags.has(feature) || loadConfig(this.env).features.includes(feature);
  }

  private current(): StatusSnapshot {
    if (!this.snapshot) {
      const flags: Record<string, Flag> = {};
      for (const feature of this.features()) flags[feature] = this.state.flags.get(feature) ?? { state: 'ok' };
      const body: StatusResponse = {
        v: PROTOCOL_VERSION,
        project: this.state.project!,
        version: this.state.version,
        flags,
        updated_at: this.state.updatedAt,
      };
      const expiresAt = nextExpiry(this.state.flags);
      this.snapshot = { version: this.state.version, body: JSON.stringify(body), ...(expiresAt !== undefined ? { expiresAt } : {}) };
    }
    return this.snapshot;
  }
}
