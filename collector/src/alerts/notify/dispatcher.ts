import { randomUUID } from 'node:crypto';
import type { AlertNotification, AlertsConfig, DeadLetterReplayResponse } from '@lifeline/protocol';
import { errorMessage, type Logger } from '../../log';
import type { Storage } from '../../storage/open-storage';
import type { Outgoing } from '../engine/run-round';
import { listDeadLetters, writeDeadLetters, type DeadLetterRow } from '../queries/dead-letters';
import { historyByIds, writeHistory, type HistoryRow } from '../queries/history';
import { deliver, type ChannelTarget, type DeliverDeps, type DeliveryResult } from './deliver';

export interface DispatcherDeps {
  storage: Storage;
  /** The rules file as now loaded: channels and the grouping window. */
  config: () => AlertsConfig;
  deliver: DeliverDeps;
  log: Logger;
  /** Called after the dead-letter list changed. */
  onDeadLettersChanged?: () => void;
}

export interface Dispatcher {
  /** Sends critical notifications at once; groups the others per project and channels for the grouping window. */
  send(outgoing: readonly Outgoing[]): void;
  /** Sends every grouped notification now and waits for every delivery in flight. */
  flush(): Promise<void>;
  /** Delivers pending dead letters again (the given IDs, or all), ignoring open circuits. */
  replay(ids?: readonly string[]): Promise<DeadLetterReplayResponse>;
}

interface Group {
  project: string;
  channels: string[];
  entries: HistoryRow[];
  timer: ReturnType<typeof setTimeout>;
}

/**
 * Turns outgoing alerts into notifications and delivers them. A notification no channel
 * takes goes to the dead-letter list (persisted) and its history entries say so; if even
 * that write fails, the whole notification is written to the log, so nothing is dropped
 * without a trace.
 */
export function createDispatcher(deps: DispatcherDeps): Dispatcher {
  const { storage, log } = deps;
  const groups = new Map<string, Group>();
  const inflight = new Set<Promise<void>>();

  const track = (p: Promise<void>) => {
    const settled: Promise<void> = p
      .catch((err) => log.error('alert notification failed unexpectedly', { reason: errorMessage(err) }))
      .finally(() => inflight.delete(settled));
    inflight.add(settled);
  };

  const targetsFor = (channels: readonly string[]): { targets: ChannelTarget[]; missing: string[] } => {
    const all = deps.config().channels;
    const targets = channels.filter((c) => all[c]).map((name) => ({ name, channel: all[name]! }));
    return { targets, missing: channels.filter((c) => !all[c]) };
  };

  async function sendNow(project: string, channels: string[], entries: HistoryRow[]): Promise<void> {
    if (channels.length === 0) {
      await record(entries.map((e) => ({ ...e, delivery: 'no_channel' as const })));
      return;
    }
    const n: AlertNotification = { v: 1, type: 'lifeline.alerts', id: randomUUID(), sent_at: Date.now(), alerts: entries.map((e) => e.alert) };
    const { targets, missing } = targetsFor(channels);
    let result: DeliveryResult;
    try {
      result = await deliver(n, targets, deps.deliver);
    } catch (err) {
      result = { ok: false, reason: errorMessage(err), attempts: 0 };
    }
    if (result.ok) {
      await record(entries.map((e) => ({ ...e, delivery: 'delivered' as const, channel: result.channel })));
      return;
    }
    const reason = [...missing.map((m) => `${m}: no such channel in the rules file`), result.reason].join('; ');
    log.warn('alert notification undeliverable; kept in the dead-letter list', { notification: n.id, reason });
    const letter: DeadLetterRow = { id: n.id, project, created_at: Date.now(), channels, reason, attempts: result.attempts, status: 'pending', history_ids: entries.map((e) => e.id), notification: n };
    try {
      await writeDeadLetters(storage, [letter]);
      deps.onDeadLettersChanged?.();
    } catch (err) {
      log.error('dead letter not stored; notification follows', { reason: errorMessage(err), notification: JSON.stringify(n) });
    }
    await record(entries.map((e) => ({ ...e, delivery: 'dead_letter' as const })));
  }

  async function record(entries: HistoryRow[]): Promise<void> {
    try {
      await writeHistory(storage, entries);
    } catch (err) {
      log.error('alert history not updated', { reason: errorMessage(err), entries: entries.map((e) => `${e.id}:${e.delivery}`).join(',') });
    }
  }

  function flushGroup(key: string) {
    const g = groups.get(key);
    if (!g) return;
    groups.delete(key);
    clearTimeout(g.timer);
    track(sendNow(g.project, g.channels, g.entries));
  }

  return {
    send(outgoing) {
      const window = deps.config().defaults.group_window;
      for (const o of outgoing) {
        const project = o.entry.alert.project;
        if (o.entry.alert.severity === 'critical' || window === 0) {
          track(sendNow(project, o.channels, [o.entry]));
          continue;
        }
        const key = `${project}\u0000${o.channels.join(',')}`;
        const g = groups.get(key);
        if (g) g.entries.push(o.entry);
        else groups.set(key, { project, channels: o.channels, entries: [o.entry], timer: setTimeout(() => flushGroup(key), window).unref() });
      }
    },
    async flush() {
      for (const key of [...groups.keys()]) flushGroup(key);
      while (inflight.size) await Promise.allSettled([...inflight]);
    },
    async replay(ids) {
      const letters = await listDeadLetters(storage, { status: 'pending', ...(ids ? { ids } : {}) });
      const out: DeadLetterReplayResponse = { delivered: [], failed: [] };
      for (const id of ids ?? []) if (!letters.some((l) => l.id === id)) out.failed.push({ id, reason: 'not a pending dead letter' });
      for (const letter of letters) {
        const { targets, missing } = targetsFor(letter.channels);
        const r = await deliver(letter.notification, targets, deps.deliver, true);
        if (!r.ok) {
          const reason = [...missing.map((m) => `${m}: no such channel in the rules file`), r.reason].join('; ');
          await writeDeadLetters(storage, [{ ...letter, reason, attempts: letter.attempts + r.attempts }]);
          out.failed.push({ id: letter.id, reason });
          continue;
        }
        await writeDeadLetters(storage, [{ ...letter, status: 'replayed', replayed_at: Date.now(), attempts: letter.attempts + r.attempts }]);
        await record((await historyByIds(storage, letter.history_ids)).map((e) => ({ ...e, delivery: 'delivered' as const, channel: r.channel })));
        out.delivered.push(letter.id);
      }
      deps.onDeadLettersChanged?.();
      return out;
    },
  };
}
