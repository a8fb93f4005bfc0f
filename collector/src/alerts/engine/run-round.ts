import { randomUUID } from 'node:crypto';
import type { AlertCause, AlertMessage, AlertRule, AlertsConfig } from '@lifeline/protocol';
import { errorMessage, type Logger } from '../../log';
import type { CollectorMetrics } from '../../metrics/collector-metrics';
import type { Storage } from '../../storage/open-storage';
import { evaluateRule, runbookAnchor } from '../evaluate/evaluate-rule';
import type { Links } from '../links';
import { writeHistory, type HistoryRow } from '../queries/history';
import { saveAlertStates, type AlertState } from '../queries/state';
import type { AnomalySource, Finding } from '../types';
import { lookUpCauses } from './causes';
import { transition } from './transition';

/** A notification waiting to be sent: its history entry and the channels to try, in order. */
export interface Outgoing {
  entry: HistoryRow;
  channels: string[];
}

export interface RoundDeps {
  storage: Storage;
  config: AlertsConfig;
  /** Every alert's state by key; updated in place once the round's changes are stored. */
  states: Map<string, AlertState>;
  links: Links;
  anomalies?: AnomalySource | undefined;
  send: (outgoing: Outgoing[]) => void;
  metrics: Pick<CollectorMetrics, 'alertEvaluations'>;
  log: Logger;
}

export interface RoundResult {
  /** Rules evaluated without error. */
  evaluated: number;
  errors: { rule_id: string; reason: string }[];
  /** Notifications the round produced, by alert key. */
  notifications: { key: string; kind: HistoryRow['kind'] }[];
}

const keyOf = (rule: AlertRule, f: Finding) => (f.instance ? `${rule.id}:${f.instance}` : rule.id);

/**
 * One evaluation round at `now`: evaluates every enabled rule, works out which alerts
 * fire, repeat or resolve, stores the new states and history entries, then hands the
 * notifications to `send`. States are written before anything is sent, so a crash in
 * between can lose a notification's delivery (it stays `pending` in the history) but never
 * sends one twice after a restart. A rule whose query fails keeps its alerts as they were.
 */
export async function runRound(deps: RoundDeps, now: number): Promise<RoundResult> {
  const { config, states, links, log } = deps;
  const result: RoundResult = { evaluated: 0, errors: [], notifications: [] };
  const changes: { state: AlertState; outgoing: Outgoing }[] = [];
  const live = new Set<string>();
  const failedRules = new Set<string>();

  for (const rule of config.rules.filter((r) => r.enabled)) {
    const project = (rule.project ?? config.project)!;
    let findings: Finding[];
    try {
      findings = await evaluateRule(rule, { storage: deps.storage, project, now, anomalies: deps.anomalies });
      deps.metrics.alertEvaluations.inc(1, { rule: rule.id, outcome: 'ok' });
      result.evaluated++;
    } catch (err) {
      deps.metrics.alertEvaluations.inc(1, { rule: rule.id, outcome: 'error' });
      result.errors.push({ rule_id: rule.id, reason: errorMessage(err) });
      log.warn('alert rule evaluation failed', { rule: rule.id, reason: errorMessage(err) });
      failedRules.add(rule.id);
      continue;
    }
    const channels = rule.channels ?? config.defaults.channels;
    for (const f of findings) {
      const key = keyOf(rule, f);
      live.add(key);
      const prev = states.get(key);
      const kind = transition(prev, f.active, now, rule.repeat ?? config.defaults.repeat);
      if (!kind) {
        // Between notifications a firing alert shows its latest measurement (in memory
        // only: what was last sent is what is stored).
        if (prev?.status === 'firing' && f.active) prev.alert = { ...prev.alert, summary: f.summary, ...(f.value !== undefined ? { value: f.value } : {}) };
        continue;
      }
      const causes = kind === 'resolved' ? [] : await causesFor(deps, f, project);
      const alert: AlertMessage = {
        key,
        rule_id: rule.id,
        name: rule.name ?? rule.id,
        project,
        severity: f.severity,
        status: kind === 'resolved' ? 'resolved' : 'firing',
        repeat: kind === 'repeat',
        summary: f.summary,
        ...(f.value !== undefined ? { value: f.value } : {}),
        ...(f.threshold !== undefined ? { threshold: f.threshold } : {}),
        started_at: kind === 'firing' ? now : prev!.started_at,
        ...(kind === 'resolved' ? { resolved_at: now } : {}),
        causes: causes.map((c) => (c.link?.startsWith('#') ? { ...c, link: links.dashboard(c.link) } : c)),
        links: { dashboard: links.dashboard(f.view), runbook: links.runbook(runbookAnchor(rule)) },
      };
      const state: AlertState = {
        project,
        key,
        rule_id: rule.id,
        status: alert.status,
        started_at: alert.started_at,
        last_sent_at: now,
        ...(kind === 'resolved' ? { resolved_at: now } : {}),
        alert,
      };
      changes.push({ state, outgoing: { entry: { id: randomUUID(), at: now, kind, alert, delivery: 'pending' }, channels } });
    }
  }

  // An alert whose rule was removed, disabled, or no longer has that alert resolves
  // without a notification: there is no rule left to say where to send it.
  for (const s of states.values()) {
    if (s.status !== 'firing' || live.has(s.key) || failedRules.has(s.rule_id)) continue;
    const alert: AlertMessage = { ...s.alert, status: 'resolved', repeat: false, resolved_at: now, causes: [], summary: `Resolved because its rule was removed or changed: ${s.alert.summary}` };
    changes.push({
      state: { ...s, status: 'resolved', resolved_at: now, last_sent_at: now, alert },
      outgoing: { entry: { id: randomUUID(), at: now, kind: 'resolved', alert, delivery: 'no_channel' }, channels: [] },
    });
  }

  if (changes.length === 0) return result;
  await saveAlertStates(deps.storage, changes.map((c) => c.state));
  await writeHistory(deps.storage, changes.map((c) => c.outgoing.entry));
  for (const c of changes) {
    states.set(c.state.key, c.state);
    result.notifications.push({ key: c.state.key, kind: c.outgoing.entry.kind });
  }
  deps.send(changes.map((c) => c.outgoing).filter((o) => o.entry.delivery === 'pending'));
  return result;
}

async function causesFor(deps: RoundDeps, f: Finding, project: string): Promise<AlertCause[]> {
  if (f.causes) return f.causes;
  try {
    return await lookUpCauses(deps.storage, { project, ...f.window });
  } catch (err) {
    // Causes help; their absence must not hold back the alert itself.
    deps.log.warn('alert causes lookup failed', { reason: errorMessage(err) });
    return [];
  }
}
