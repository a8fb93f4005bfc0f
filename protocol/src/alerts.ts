import { z } from 'zod';
import { EVENT_KINDS, FEATURE_STATES, LIMITS } from './limits';
import { epochMs, featureName, nonEmpty, text } from './primitives';
import { AnomalyMetric, SEVERITIES } from './queries/anomalies';
import { parseDuration, rangeParams } from './queries/params';

/**
 * Alerting: the rules file the collector reads (`LIFELINE_ALERTS_FILE`, JSON), the
 * notification it posts to generic webhooks, and the answers of `/v1/alerts/*`. Rule
 * objects are strict (an unknown key is a typo, refused with its path); wire answers are not.
 */

/** A duration written as `<integer><unit>` (`500ms`, `30s`, `5m`, `6h`, `3d`, `1w`), read as milliseconds. */
export const Duration = z.string().transform((s, ctx) => {
  const ms = parseDuration(s);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: 'a duration is a whole number and a unit: ms, s, m, h, d or w (e.g. 5m)' });
    return z.NEVER;
  }
  return ms;
});

/** `critical` pages someone now and is never grouped; `warning` and `info` may wait a short grouping window. */
export const ALERT_SEVERITIES = ['critical', 'warning', 'info'] as const;

const slug = z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/, 'lowercase letters, digits, _, . and -, at most 64');
const path = z.string().startsWith('/', 'a path starts with /').max(LIMITS.url);

/** Which calls or events a rule looks at; every given field must match. */
export const AlertFilter = z
  .object({
    /** A call's endpoint as the RED query shows it (`/api/pay`, `/api/orders/{id}`); the query string is ignored. */
    path: path.optional(),
    /** Prefix of that endpoint (`/api/`). */
    path_prefix: path.optional(),
    /** HTTP method, upper case. */
    method: z.string().regex(/^[A-Z]{1,16}$/, 'an upper-case HTTP method').optional(),
    /** Event kind (`events` source). */
    kind: z.enum(EVENT_KINDS).optional(),
    /** Tracked event name (`events` source, kind `track`), e.g. `purchase`. */
    event: nonEmpty(LIMITS.name).optional(),
    /** Feature of `degrade` and `flag` events (`events` source). */
    feature: featureName.optional(),
  })
  .strict();

/** Where a webhook channel posts and in which shape. */
export const AlertChannel = z
  .object({
    /** `slack`: `{ text, blocks }` for Slack incoming webhooks; `webhook`: the generic `AlertNotification`. */
    type: z.enum(['slack', 'webhook']),
    url: z.url({ protocol: /^https?$/ }),
    /** Extra request headers (an `Authorization` for the receiver, say). */
    headers: z.record(z.string().regex(/^[A-Za-z0-9-]{1,64}$/), text(1024)).optional(),
    /** Per attempt. @default 5s */
    timeout: Duration.prefault('5s'),
    /** Retries after the first attempt before falling back to the next channel. @default 2 */
    retries: z.number().int().min(0).max(10).default(2),
    /** Delay before the first retry, doubled for each next one, with full jitter. @default 500ms */
    backoff: Duration.prefault('500ms'),
  })
  .strict();

const ruleBase = {
  /** Stable identifier: state, history and links use it. */
  id: slug,
  /** Title shown in notifications and on the dashboard. @default the id */
  name: text(LIMITS.name).optional(),
  /** Project whose events the rule reads. @default the file's `project` */
  project: nonEmpty(LIMITS.label).optional(),
  /** Channel names, tried in order. @default defaults.channels */
  channels: z.array(slug).max(10).optional(),
  /** Re-send while it keeps firing, this often. @default defaults.repeat */
  repeat: Duration.optional(),
  /** Anchor in docs/runbook.md. @default by kind: `error-rate`, `latency`, `traffic`, `conversion-drop`, `slo-burn` */
  runbook: z.string().regex(/^[a-z0-9-]{1,64}$/).optional(),
  enabled: z.boolean().default(true),
};

/** Calls of the store's API as the browser saw them (`network`) or as the backend logged them (`backend`). */
const CALL_SOURCES = ['network', 'backend'] as const;

export const THRESHOLD_METRICS = ['error_rate', 'latency_p50', 'latency_p90', 'latency_p95', 'latency_p99', 'requests', 'count'] as const;

/** A measured value compared with a fixed bound over a sliding window. */
export const ThresholdRule = z
  .object({
    ...ruleBase,
    kind: z.literal('threshold'),
    severity: z.enum(ALERT_SEVERITIES).default('warning'),
    /** `network` or `backend` calls (error_rate, latency_*, requests); `events` for `count`. */
    source: z.enum([...CALL_SOURCES, 'events']),
    /** error_rate is a share (0–1) of failed calls (status 0 or ≥ 500); latency_* in ms. */
    metric: z.enum(THRESHOLD_METRICS),
    op: z.enum(['above', 'below']),
    value: z.number().finite().nonnegative(),
    window: Duration.prefault('5m'),
    /** Fewer calls than this in the window: rates and latencies are not judged. @default 10 */
    min_count: z.number().int().nonnegative().default(10),
    filter: AlertFilter.default({}),
  })
  .strict()
  .superRefine((r, ctx) => {
    const counting = r.source === 'events';
    if (counting !== (r.metric === 'count')) {
      ctx.addIssue({ code: 'custom', path: ['metric'], message: 'metric "count" goes with source "events"; the others with "network" or "backend"' });
    }
    if (r.metric === 'error_rate' && r.value > 1) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: 'error_rate is a share from 0 to 1 (0.2 = 20%)' });
    }
  });

/** Fires while the anomaly query reports an anomaly of `metric` at or above `min_severity`. */
export const AnomalyRule = z
  .object({
    ...ruleBase,
    kind: z.literal('anomaly'),
    severity: z.enum(ALERT_SEVERITIES).default('critical'),
    /** A metric of the anomaly query (`conversion_rate`, `orders`, `visits`…, or `event:<name>`). @default conversion_rate */
    metric: AnomalyMetric.default('conversion_rate'),
    direction: z.enum(['drop', 'spike', 'any']).default('drop'),
    min_severity: z.enum(SEVERITIES).default('medium'),
    /** Only anomalies still going on within this much of now count (at most 30 days, the anomaly query's reach). @default 2h */
    lookback: Duration.pipe(z.number().max(30 * 86_400_000, 'lookback may be at most 30d')).prefault('2h'),
  })
  .strict();

/** One multi-window tier: both windows must burn faster than `factor` × the error budget. */
export const BurnRateTier = z
  .object({
    name: slug,
    severity: z.enum(ALERT_SEVERITIES),
    factor: z.number().positive(),
    long: Duration,
    short: Duration,
  })
  .strict();

/**
 * The multi-window, multi-burn-rate tiers for a 30-day SLO (Google SRE workbook,
 * "Alerting on SLOs", table 5-8): 2% of the budget in an hour, 5% in six hours, 10% in a
 * day, 10% in three days.
 */
export const DEFAULT_BURN_RATE_TIERS = [
  { name: 'page-fast', severity: 'critical', factor: 14.4, long: '1h', short: '5m' },
  { name: 'page-slow', severity: 'critical', factor: 6, long: '6h', short: '30m' },
  { name: 'ticket-fast', severity: 'warning', factor: 3, long: '1d', short: '2h' },
  { name: 'ticket-slow', severity: 'warning', factor: 1, long: '3d', short: '6h' },
] as const;

/** A service level objective over calls, alerting on how fast its error budget burns. */
export const SloRule = z
  .object({
    ...ruleBase,
    kind: z.literal('slo'),
    source: z.enum(CALL_SOURCES),
    /** `availability`: good = not 5xx and not failed (status 0); `latency`: good = faster than `latency_threshold_ms`. */
    sli: z.enum(['availability', 'latency']),
    /** Share of good calls promised over 30 days, e.g. 0.999. */
    objective: z.number().gt(0.5).lt(1),
    latency_threshold_ms: z.number().positive().optional(),
    /** Fewer calls than this in a window: that window does not count as burning. @default 1 */
    min_count: z.number().int().nonnegative().default(1),
    filter: AlertFilter.default({}),
    tiers: z.array(BurnRateTier).min(1).max(8).default(() => DEFAULT_BURN_RATE_TIERS.map((t) => ({ ...t, long: Duration.parse(t.long), short: Duration.parse(t.short) }))),
  })
  .strict()
  .superRefine((r, ctx) => {
    if (r.sli === 'latency' && r.latency_threshold_ms === undefined) {
      ctx.addIssue({ code: 'custom', path: ['latency_threshold_ms'], message: 'a latency SLO needs latency_threshold_ms' });
    }
    r.tiers.forEach((t, i) => {
      if (t.short >= t.long) ctx.addIssue({ code: 'custom', path: ['tiers', i, 'short'], message: 'the short window must be shorter than the long one' });
    });
  });

export const AlertRule = z.discriminatedUnion('kind', [ThresholdRule, AnomalyRule, SloRule]);

/** The rules file. */
export const AlertsConfig = z
  .object({
    /** Default project of rules that do not name one. */
    project: nonEmpty(LIMITS.label).optional(),
    /** How often every rule is evaluated. @default 60s */
    interval: Duration.prefault('60s'),
    /** Base URL of the runbook; a rule's `runbook` anchor is appended. @default docs/runbook.md */
    runbook_url: text(LIMITS.url).default('docs/runbook.md'),
    /** Base URL of the dashboard (`https://collector.example/dashboard/`). @default the collector's own address */
    dashboard_url: z.url({ protocol: /^https?$/ }).optional(),
    defaults: z
      .object({
        channels: z.array(slug).max(10).default([]),
        repeat: Duration.prefault('4h'),
        /** `warning` and `info` notifications for the same channels within this window go out as one message. @default 30s */
        group_window: Duration.prefault('30s'),
        /** Consecutive failed deliveries that open a channel's circuit. @default 3 */
        circuit_failures: z.number().int().min(1).max(100).default(3),
        /** How long an open circuit skips its channel before one trial delivery. @default 5m */
        circuit_cooldown: Duration.prefault('5m'),
      })
      .strict()
      .prefault({}),
    channels: z.record(slug, AlertChannel).default({}),
    rules: z.array(AlertRule).max(1000).default([]),
  })
  .strict()
  .superRefine((c, ctx) => {
    const seen = new Set<string>();
    c.rules.forEach((r, i) => {
      if (seen.has(r.id)) ctx.addIssue({ code: 'custom', path: ['rules', i, 'id'], message: `rule id "${r.id}" is used twice` });
      seen.add(r.id);
      if (!r.project && !c.project) ctx.addIssue({ code: 'custom', path: ['rules', i, 'project'], message: 'no project: set it on the rule or at the top of the file' });
      (r.channels ?? []).forEach((name, j) => {
        if (!c.channels[name]) ctx.addIssue({ code: 'custom', path: ['rules', i, 'channels', j], message: `unknown channel "${name}"` });
      });
    });
    c.defaults.channels.forEach((name, j) => {
      if (!c.channels[name]) ctx.addIssue({ code: 'custom', path: ['defaults', 'channels', j], message: `unknown channel "${name}"` });
    });
  });

/** A likely cause attached to an alert: an anomaly's suspect, a failing endpoint, an error group. */
export const AlertCause = z.object({
  kind: z.string(),
  label: z.string(),
  detail: z.string().optional(),
  /** Dashboard link for this cause. */
  link: z.string().optional(),
});

export const ALERT_STATUSES = ['firing', 'resolved'] as const;

/** One alert in a notification. `key` (rule and instance) is stable across repeats and the resolve. */
export const AlertMessage = z.object({
  key: z.string(),
  rule_id: z.string(),
  name: z.string(),
  project: z.string(),
  severity: z.enum(ALERT_SEVERITIES),
  status: z.enum(ALERT_STATUSES),
  /** True on the reminders sent every `repeat` while it keeps firing. */
  repeat: z.boolean(),
  summary: z.string(),
  /** The measured value (share, ms, count or burn rate) and the bound it crossed. */
  value: z.number().optional(),
  threshold: z.number().optional(),
  started_at: epochMs,
  resolved_at: epochMs.optional(),
  causes: z.array(AlertCause),
  links: z.object({ dashboard: z.string(), runbook: z.string() }),
});

/** The generic webhook body (`type: "webhook"` channels). `id` stays the same on retries and replays. */
export const AlertNotification = z.object({
  v: z.literal(1),
  type: z.literal('lifeline.alerts'),
  id: z.uuid(),
  sent_at: epochMs,
  alerts: z.array(AlertMessage).min(1),
});

/** An alert firing now. */
export const ActiveAlert = AlertMessage.omit({ status: true, repeat: true, resolved_at: true }).extend({
  last_sent_at: epochMs,
});

/** One notification in the history, and what became of its delivery. */
export const AlertHistoryEntry = z.object({
  id: z.uuid(),
  at: epochMs,
  kind: z.enum(['firing', 'repeat', 'resolved']),
  alert: AlertMessage,
  delivery: z.enum(['pending', 'delivered', 'dead_letter', 'no_channel']),
  /** The channel that took it, when delivered. */
  channel: z.string().optional(),
});

/** `GET /v1/alerts/history?limit=` (read token): the project's firing alerts and its notifications, newest first. */
export const AlertHistoryResponse = z.object({
  project: z.string(),
  firing: z.array(ActiveAlert),
  history: z.array(AlertHistoryEntry),
});

/** `GET /v1/alerts/history?limit=`: how many notifications, newest first. */
export const AlertHistoryQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(1000).default(100) });

/** A notification no channel took, kept until replayed. */
export const DeadLetter = z.object({
  id: z.uuid(),
  created_at: epochMs,
  project: z.string(),
  channels: z.array(z.string()),
  reason: z.string(),
  attempts: z.number().int().nonnegative(),
  status: z.enum(['pending', 'replayed']),
  replayed_at: epochMs.optional(),
  notification: AlertNotification,
});

/** `GET /v1/alerts/dead-letter?status=`: which dead letters. @default pending */
export const DeadLetterQuery = z.strictObject({ status: z.enum(['pending', 'replayed', 'all']).default('pending') });

/** `GET /v1/alerts/dead-letter?status=pending|replayed|all` (read token), oldest first. */
export const DeadLetterResponse = z.object({ project: z.string(), dead_letters: z.array(DeadLetter) });

/** `POST /v1/alerts/dead-letter/replay` (admin token): replay these, or every pending one. */
export const DeadLetterReplayRequest = z.object({ ids: z.array(z.uuid()).max(1000).optional() }).strict();

export const DeadLetterReplayResponse = z.object({
  delivered: z.array(z.uuid()),
  failed: z.array(z.object({ id: z.uuid(), reason: z.string() })),
});

/** `POST /v1/alerts/reload` (admin token). */
export const AlertsReloadResponse = z.object({ ok: z.boolean(), rules: z.number().int(), reason: z.string().optional() });

/*
 * The dashboard's own answers live here too: they exist for the dashboard page that shows
 * these alerts, and no other service reads them.
 */

/** `GET /v1/dashboard/session` (read token): which project the token reads; the sign-in check. */
export const DashboardSessionResponse = z.object({ project: z.string() });

/** `GET /v1/dashboard/annotations?from=&to=`: as the query API's ranges (default the last 7 days). */
export const DashboardAnnotationsQuery = z.strictObject(rangeParams);

/** `GET /v1/dashboard/annotations?from=&to=` (read token): flag changes and releases to mark on charts. */
export const DashboardAnnotationsResponse = z.object({
  project: z.string(),
  from: epochMs,
  to: epochMs,
  /** Flag changes in the range, oldest first. */
  flags: z.array(
    z.object({
      ts: epochMs,
      feature: featureName,
      from_state: z.enum(FEATURE_STATES),
      state: z.enum(FEATURE_STATES),
      message: z.string().optional(),
      actor: z.string().optional(),
    }),
  ),
  /** Releases first seen in the range, oldest first. */
  releases: z.array(z.object({ release: z.string(), first_seen: epochMs })),
});

/** `GET /v1/dashboard/flags` (read token): each feature's flag now, and where that was read. */
export const DashboardFlagsResponse = z.object({
  project: z.string(),
  /** `edge`: the live status from the edge; `events`: the latest `flag` event of each feature in storage. */
  source: z.enum(['edge', 'events']),
  /** Why the edge was not used although configured. */
  edge_error: z.string().optional(),
  flags: z.array(
    z.object({
      feature: featureName,
      state: z.enum(FEATURE_STATES),
      message: z.string().optional(),
      since: epochMs.optional(),
      until: epochMs.optional(),
      actor: z.string().optional(),
    }),
  ),
});

export type AlertsConfigInput = z.input<typeof AlertsConfig>;
export type AlertsConfig = z.infer<typeof AlertsConfig>;
export type AlertRule = z.infer<typeof AlertRule>;
export type ThresholdRule = z.infer<typeof ThresholdRule>;
export type AnomalyRule = z.infer<typeof AnomalyRule>;
export type SloRule = z.infer<typeof SloRule>;
export type BurnRateTier = z.infer<typeof BurnRateTier>;
export type AlertFilter = z.infer<typeof AlertFilter>;
export type AlertChannel = z.infer<typeof AlertChannel>;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];
export type AlertCause = z.infer<typeof AlertCause>;
export type AlertMessage = z.infer<typeof AlertMessage>;
export type AlertNotification = z.infer<typeof AlertNotification>;
export type ActiveAlert = z.infer<typeof ActiveAlert>;
export type AlertHistoryEntry = z.infer<typeof AlertHistoryEntry>;
export type AlertHistoryResponse = z.infer<typeof AlertHistoryResponse>;
export type DeadLetter = z.infer<typeof DeadLetter>;
export type AlertHistoryQuery = z.infer<typeof AlertHistoryQuery>;
export type DeadLetterQuery = z.infer<typeof DeadLetterQuery>;
export type DeadLetterResponse = z.infer<typeof DeadLetterResponse>;
export type DeadLetterReplayRequest = z.infer<typeof DeadLetterReplayRequest>;
export type DeadLetterReplayResponse = z.infer<typeof DeadLetterReplayResponse>;
export type AlertsReloadResponse = z.infer<typeof AlertsReloadResponse>;
export type DashboardFlagsResponse = z.infer<typeof DashboardFlagsResponse>;
export type DashboardSessionResponse = z.infer<typeof DashboardSessionResponse>;
export type DashboardAnnotationsResponse = z.infer<typeof DashboardAnnotationsResponse>;
