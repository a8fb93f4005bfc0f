import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseRules } from '../../src/alerts/config/parse-rules';

const projects = new Set(['demo', 'other']);
const channels = { ops: { type: 'slack', url: 'https://hooks.slack.test/T1' } };
const threshold = { id: 'pay-errors', kind: 'threshold', source: 'network', metric: 'error_rate', op: 'above', value: 0.2 };
const file = (rules: unknown[], extra: Record<string, unknown> = {}) => JSON.stringify({ project: 'demo', channels, rules, ...extra });

describe('alert rules file', () => {
  it('fills in the defaults', () => {
    const r = parseRules(file([threshold, { id: 'checkout-slo', kind: 'slo', source: 'backend', sli: 'availability', objective: 0.999 }]), projects);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config.interval).toBe(60_000);
    expect(r.config.defaults).toEqual({ channels: [], repeat: 4 * 3_600_000, group_window: 30_000, circuit_failures: 3, circuit_cooldown: 300_000 });
    expect(r.config.channels.ops).toMatchObject({ timeout: 5000, retries: 2, backoff: 500 });
    expect(r.config.rules[0]).toMatchObject({ window: 300_000, min_count: 10, severity: 'warning', filter: {}, enabled: true });
    const slo = r.config.rules[1]!;
    expect(slo.kind === 'slo' && slo.tiers.map((t) => [t.name, t.factor, t.long / 60_000, t.short / 60_000])).toEqual([
      ['page-fast', 14.4, 60, 5],
      ['page-slow', 6, 360, 30],
      ['ticket-fast', 3, 1440, 120],
      ['ticket-slow', 1, 4320, 360],
    ]);
  });

  it('accepts the example in docs/alerts.md', () => {
    const docs = readFileSync(new URL('../../../docs/alerts.md', import.meta.url), 'utf8');
    const example = /```json\n([\s\S]*?)\n```/.exec(docs)?.[1];
    expect(example).toBeDefined();
    const r = parseRules(example!, projects);
    expect(r.ok ? '' : r.reason).toBe('');
  });

  it.each([
    ['not JSON', '{rules: []}', /not JSON/],
    ['an unknown top-level key', JSON.stringify({ project: 'demo', rulez: [] }), /Unrecognized key: "rulez"/],
    ['an unknown rule key (a typo)', file([{ ...threshold, treshold: 1 }]), /rules\.0: Unrecognized key: "treshold"/],
    ['an unknown kind', file([{ ...threshold, kind: 'magic' }]), /rules\.0\.kind/],
    ['a malformed window', file([{ ...threshold, window: '5 minutes' }]), /rules\.0\.window: a duration is a whole number and a unit/],
    ['an error rate over 1', file([{ ...threshold, value: 20 }]), /rules\.0\.value: error_rate is a share from 0 to 1/],
    ['count over network calls', file([{ ...threshold, metric: 'count' }]), /rules\.0\.metric: metric "count" goes with source "events"/],
    ['a latency metric over events', file([{ ...threshold, source: 'events', metric: 'latency_p95' }]), /rules\.0\.metric/],
    ['a negative bound', file([{ ...threshold, value: -1 }]), /rules\.0\.value/],
    ['a lower-case method filter', file([{ ...threshold, filter: { method: 'post' } }]), /rules\.0\.filter\.method: an upper-case HTTP method/],
    ['a path without a slash', file([{ ...threshold, filter: { path: 'api/pay' } }]), /rules\.0\.filter\.path: a path starts with \//],
    ['an unknown filter key', file([{ ...threshold, filter: { route: '/x' } }]), /rules\.0\.filter: Unrecognized key: "route"/],
    ['a rule id used twice', file([threshold, threshold]), /rules\.1\.id: rule id "pay-errors" is used twice/],
    ['a bad rule id', file([{ ...threshold, id: 'Pay Errors' }]), /rules\.0\.id/],
    ['an unknown channel on a rule', file([{ ...threshold, channels: ['pager'] }]), /rules\.0\.channels\.0: unknown channel "pager"/],
    ['an unknown default channel', file([threshold], { defaults: { channels: ['pager'] } }), /defaults\.channels\.0: unknown channel "pager"/],
    ['a channel with a non-http URL', JSON.stringify({ project: 'demo', channels: { ops: { type: 'slack', url: 'ftp://x/y' } } }), /channels\.ops\.url/],
    ['a channel of an unknown type', JSON.stringify({ project: 'demo', channels: { ops: { type: 'email', url: 'https://x/' } } }), /channels\.ops\.type/],
    ['too many retries', JSON.stringify({ project: 'demo', channels: { ops: { ...channels.ops, retries: 50 } } }), /channels\.ops\.retries/],
    ['no project anywhere', JSON.stringify({ rules: [threshold] }), /rules\.0\.project: no project/],
    ['a project without a read token', file([{ ...threshold, project: 'ghost' }]), /rules\.0\.project: no read token is configured for project "ghost"/],
    ['an SLO objective of 100%', file([{ id: 's', kind: 'slo', source: 'network', sli: 'availability', objective: 1 }]), /rules\.0\.objective/],
    ['an SLO objective given as a percent', file([{ id: 's', kind: 'slo', source: 'network', sli: 'availability', objective: 99.9 }]), /rules\.0\.objective/],
    ['a latency SLO without its threshold', file([{ id: 's', kind: 'slo', source: 'network', sli: 'latency', objective: 0.99 }]), /rules\.0\.latency_threshold_ms: a latency SLO needs latency_threshold_ms/],
    ['a tier whose short window is not shorter', file([{ id: 's', kind: 'slo', source: 'network', sli: 'availability', objective: 0.99, tiers: [{ name: 'x', severity: 'critical', factor: 2, long: '1h', short: '1h' }] }]), /rules\.0\.tiers\.0\.short: the short window must be shorter/],
    ['an anomaly rule on an unknown metric', file([{ id: 'a', kind: 'anomaly', metric: 'happiness' }]), /rules\.0\.metric/],
    ['an anomaly lookback beyond the anomaly query', file([{ id: 'a', kind: 'anomaly', lookback: '60d' }]), /rules\.0\.lookback: lookback may be at most 30d/],
    ['an anomaly severity that does not exist', file([{ id: 'a', kind: 'anomaly', min_severity: 'extreme' }]), /rules\.0\.min_severity/],
    ['a severity that does not exist', file([{ ...threshold, severity: 'page' }]), /rules\.0\.severity/],
  ])('refuses %s', (_why, text, reason) => {
    const r = parseRules(text, projects);
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.reason).toMatch(reason);
  });
});
