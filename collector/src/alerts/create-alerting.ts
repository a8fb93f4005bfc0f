import { readFile } from 'node:fs/promises';
import type { AlertHistoryResponse, AlertsConfig, AlertsReloadResponse, DeadLetter, DeadLetterReplayResponse } from '@lifeline/protocol';
import { ConfigError } from '../config';
import { errorMessage, silentLogger, type Logger } from '../log';
import { collectorMetrics, type CollectorMetrics } from '../metrics/collector-metrics';
import type { Storage } from '../storage/open-storage';
import { EMPTY_RULES, parseRules, type RulesResult } from './config/parse-rules';
import { watchFile } from './config/watch-file';
import { runRound, type RoundResult } from './engine/run-round';
import { createLinks } from './links';
import { createCircuitBreaker, type CircuitBreaker } from './notify/circuit-breaker';
import { createDispatcher } from './notify/dispatcher';
import { createPostWebhook } from './notify/post-webhook';
import { countPendingDeadLetters, listDeadLetters } from './queries/dead-letters';
import { listHistory } from './queries/history';
import { loadAlertStates, type AlertState } from './queries/state';
import type { AnomalySource } from './types';

/** Longest `stop` waits for notifications in flight (the collector's whole stop has 15 s). */
const STOP_WAIT_MS = 5000;

export interface AlertingDeps {
  storage: Storage;
  /** Projects with a read token; a rule naming another is refused. */
  projects: ReadonlySet<string>;
  /** The JSON rules file (`LIFELINE_ALERTS_FILE`), watched and reloaded on change. */
  rulesFile?: string | undefined;
  /** Rules given directly instead of a file (the file's JSON, parsed). */
  rules?: unknown;
  /** The dashboard's address for links, unless the rules file sets `dashboard_url`. */
  dashboardUrl: string;
  /** The anomaly query; without it anomaly rules report an evaluation error. */
  anomalies?: AnomalySource | undefined;
  log?: Logger;
  /** @default collectorMetrics (the process-wide registry) */
  metrics?: CollectorMetrics;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Waits between delivery retries. @default setTimeout */
  sleep?: (ms: number) => Promise<void>;
  /** Jitter source. @default Math.random */
  random?: () => number;
  /** Watch `rulesFile` for changes. @default true */
  watch?: boolean;
  /**
   * Whether storage is migrated. A ClickHouse server unreachable at start is migrated when
   * it answers; until then a round fails at once, saying so. @default always
   */
  ready?: () => boolean;
}

export interface Alerting {
  /** Evaluates now and then every `interval` of the rules file, until `stop`. */
  start(): void;
  /** Stops the schedule, waits for a running round, and sends what is grouped or in flight. */
  stop(): Promise<void>;
  /** One evaluation round at `now` (tests pass a time; the schedule passes the clock). */
  evaluate(now?: number): Promise<RoundResult>;
  /** Sends grouped notifications now and waits for every delivery. */
  flush(): Promise<void>;
  /** Reads the rules file again; invalid rules keep the current ones and say why. */
  reload(): Promise<AlertsReloadResponse>;
  history(project: string, limit: number): Promise<AlertHistoryResponse>;
  deadLetters(project: string, status?: DeadLetter['status']): Promise<DeadLetter[]>;
  replay(ids?: readonly string[]): Promise<DeadLetterReplayResponse>;
  /** The rules in force. */
  readonly config: AlertsConfig;
}

/**
 * Sets up alerting: loads the rules, and wires evaluation, notification delivery and the
 * dead-letter list. Every alert's stored state is read before the first round. Nothing
 * runs until `start()` or `evaluate()`.
 *
 * @example
 * const alerting = await createAlerting({ storage, projects: new Set(['demo']), rulesFile: 'alerts.json', dashboardUrl: 'http://127.0.0.1:4000/dashboard/' })
 * alerting.start()
 * @throws ConfigError when the rules file cannot be read or is invalid at start
 */
export async function createAlerting(deps: AlertingDeps): Promise<Alerting> {
  const { storage } = deps;
  const log = deps.log ?? silentLogger;
  const metrics = deps.metrics ?? collectorMetrics;

  const load = async (): Promise<RulesResult> => {
    if (deps.rulesFile === undefined) return deps.rules === undefined ? { ok: true, config: EMPTY_RULES } : parseRules(JSON.stringify(deps.rules), deps.projects);
    try {
      return parseRules(await readFile(deps.rulesFile, 'utf8'), deps.projects);
    } catch (err) {
      return { ok: false, reason: `cannot read ${deps.rulesFile}: ${errorMessage(err)}` };
    }
  };
  const first = await load();
  if (!first.ok) throw new ConfigError(`alert rules${deps.rulesFile ? ` in ${deps.rulesFile}` : ''} are invalid: ${first.reason}`);
  let config = first.config;

  // Stored states are read before the first round rather than here, so a collector whose
  // ClickHouse server is not reachable yet still starts (and alerts once it is).
  const states = new Map<string, AlertState>();
  let statesLoaded = false;
  const loadStates = async () => {
    if (statesLoaded) return;
    for (const s of await loadAlertStates(storage)) states.set(s.key, s);
    statesLoaded = true;
    refreshDeadLetters();
  };
  const breakers = new Map<string, CircuitBreaker>();
  const breaker = (name: string) => {
    let b = breakers.get(name);
    if (!b) breakers.set(name, (b = createCircuitBreaker({ failures: config.defaults.circuit_failures, cooldownMs: config.defaults.circuit_cooldown })));
    return b;
  };

  const refreshDeadLetters = () =>
    void countPendingDeadLetters(storage)
      .then((n) => metrics.alertDeadLetters.set(n))
      .catch(() => {});
  metrics.alertRules.collect(() => config.rules.filter((r) => r.enabled).length);
  metrics.alertsFiring.collect(() => {
    const by = new Map<string, number>([['critical', 0], ['warning', 0], ['info', 0]]);
    for (const s of states.values()) if (s.status === 'firing') by.set(s.alert.severity, (by.get(s.alert.severity) ?? 0) + 1);
    return [...by].map(([severity, n]) => [{ severity }, n] as const);
  });

  const dispatcher = createDispatcher({
    storage,
    config: () => config,
    log,
    onDeadLettersChanged: refreshDeadLetters,
    deliver: {
      post: createPostWebhook(deps.fetch),
      breaker,
      sleep: deps.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
      random: deps.random ?? Math.random,
      clock: Date.now,
      metrics,
    },
  });

  // Rounds run one after another: a slow one delays the next rather than racing it over state.
  let rounds: Promise<unknown> = Promise.resolve();
  const evaluate = (now = Date.now()): Promise<RoundResult> => {
    const next = rounds.then(async () => {
      if (deps.ready && !deps.ready()) throw new Error('storage is not ready yet; alert rules are evaluated once it is');
      await loadStates();
      const links = createLinks({ dashboardUrl: config.dashboard_url ?? deps.dashboardUrl, runbookUrl: config.runbook_url });
      const stop = metrics.alertEvaluationDuration.startTimer();
      try {
        return await runRound({ storage, config, states, links, anomalies: deps.anomalies, send: (o) => dispatcher.send(o), metrics, log }, now);
      } finally {
        stop();
      }
    });
    rounds = next.catch(() => {});
    return next;
  };

  const reload = async (): Promise<AlertsReloadResponse> => {
    const next = await load();
    if (!next.ok) {
      log.error('alert rules not reloaded; keeping the current ones', { reason: next.reason });
      return { ok: false, rules: config.rules.length, reason: next.reason };
    }
    config = next.config;
    // Circuit settings may have changed; breakers start afresh with them.
    breakers.clear();
    log.info('alert rules loaded', { rules: config.rules.length });
    return { ok: true, rules: config.rules.length };
  };

  let timer: ReturnType<typeof setTimeout> | undefined;
  let running = false;
  let unwatch = () => {};
  let waitingForStorage = false;
  const tick = async () => {
    timer = undefined;
    try {
      // Storage not migrated yet (a server unreachable at start): wait quietly, saying so once.
      if (deps.ready && !deps.ready()) {
        if (!waitingForStorage) log.warn('alert rules wait for storage to be ready');
        waitingForStorage = true;
      } else {
        waitingForStorage = false;
        await evaluate(Date.now());
      }
    } catch (err) {
      log.error('alert evaluation round failed', { reason: errorMessage(err) });
    }
    if (running) timer = setTimeout(() => void tick(), config.interval).unref();
  };

  return {
    start() {
      if (running) return;
      running = true;
      if (deps.rulesFile && deps.watch !== false) unwatch = watchFile(deps.rulesFile, () => void reload());
      timer = setTimeout(() => void tick(), 0).unref();
    },
    async stop() {
      running = false;
      clearTimeout(timer);
      unwatch();
      await rounds;
      // Deliveries retrying against a slow receiver must not hold up the collector's stop
      // past its deadline; what is still in flight then keeps a `pending` history entry.
      let waited: ReturnType<typeof setTimeout> | undefined;
      const flushed = await Promise.race([
        dispatcher.flush().then(() => true),
        new Promise<false>((r) => (waited = setTimeout(() => r(false), STOP_WAIT_MS).unref())),
      ]);
      clearTimeout(waited);
      if (!flushed) log.warn('alert notifications still being delivered at stop; their history entries stay pending', { waited_ms: STOP_WAIT_MS });
    },
    evaluate,
    flush: () => dispatcher.flush(),
    reload,
    async history(project, limit) {
      await loadStates();
      const firing = [...states.values()]
        .filter((s) => s.project === project && s.status === 'firing')
        .sort((a, b) => b.started_at - a.started_at)
        .map(({ alert, last_sent_at }) => {
          const { status: _s, repeat: _r, resolved_at: _x, ...rest } = alert;
          return { ...rest, last_sent_at };
        });
      return { project, firing, history: await listHistory(storage, project, limit) };
    },
    async deadLetters(project, status) {
      const rows = await listDeadLetters(storage, { project, ...(status ? { status } : {}) });
      return rows.map(({ history_ids: _h, ...letter }) => letter);
    },
    replay: (ids) => dispatcher.replay(ids),
    get config() {
      return config;
    },
  };
}
