import type { PhaseFigures, RunFigures } from './runLoad';

const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(0) : '–');

/** `202 ×2990, 429+ra ×10` */
function statuses(p: PhaseFigures): string {
  return Object.entries(p.load.statuses)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k} ×${v}`)
    .join(', ');
}

function row(p: PhaseFigures): string {
  const l = p.load;
  const perSecond = (l.requests / (l.durationMs / 1000)).toFixed(1);
  return `| ${p.label} | ${l.requests} (${perSecond}/s) | ${l.eventsSent} | ${statuses(p)} | ${l.acked} | ${p.storage.stored} | ${p.storage.missing} | ${p.storage.duplicated} | ${ms(l.latency.p50)} / ${ms(l.latency.p95)} / ${ms(l.latency.p99)} / ${ms(l.latency.max)} | ${l.skipped} |`;
}

/** The run as Markdown: what was run, a table per phase, memory per service, the verdicts. */
export function formatSummary(run: RunFigures): string {
  const o = run.options;
  const lines = [
    `Run of ${run.startedAt.slice(0, 16).replace('T', ' ')} UTC: \`npm run load -- --minutes ${o.minutes} --rate ${o.rate} --events ${o.eventsPerRequest} --overload ${o.overload}\`.`,
    `Rated load ${o.rate} batches of ${o.eventsPerRequest} events a second (${o.rate * o.eventsPerRequest} events/s) for ${o.minutes} min, then ${o.overload}× for ${o.overloadSeconds} s; per-key limit \`LIFELINE_RATE_KEY=${run.keyLimit}\`; memory sampled every ${o.sampleEveryMs / 1000} s.`,
    '',
    '| phase | requests | events sent | answers | acknowledged | stored | missing | duplicated | latency p50 / p95 / p99 / max ms | skipped |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    row(run.rated),
    ...(run.overload ? [row(run.overload)] : []),
    '',
    '| rated load, per minute | p50 ms | p99 ms | answers |',
    '| --- | --- | --- | --- |',
    ...run.rounds.map((r) => `| ${r.label} | ${ms(r.load.latency.p50)} | ${ms(r.load.latency.p99)} | ${statuses(r)} |`),
    '',
    '| process (with its children) | first sample MiB | last sample MiB | growth, last third vs first | slope MiB/min | flat |',
    '| --- | --- | --- | --- | --- | --- |',
    ...Object.entries(run.memory).map(
      ([name, t]) => `| ${name} | ${t.samples[0]?.toFixed(0)} | ${t.samples.at(-1)?.toFixed(0)} | ${t.growthPercent.toFixed(1)} % | ${t.slopeMiBPerMinute.toFixed(2)} | ${t.flat ? 'yes' : 'no'} |`,
    ),
    '',
    `Edge and collector healthy after the run: ${run.healthyAfter ? 'yes' : 'no'}.`,
  ];
  return lines.join('\n');
}

/** Whether the run kept every promise: nothing acknowledged lost or doubled, only 202/429/503 with Retry-After, healthy after. */
export function verdict(run: RunFigures): string[] {
  const problems: string[] = [];
  for (const p of [run.rated, ...(run.overload ? [run.overload] : [])]) {
    if (p.storage.missing > 0) problems.push(`${p.label}: ${p.storage.missing} acknowledged events not stored`);
    if (p.storage.duplicated > 0) problems.push(`${p.label}: ${p.storage.duplicated} events stored twice`);
    const bad = Object.keys(p.load.statuses).filter((s) => !['202', '429+ra', '503+ra'].includes(s));
    if (bad.length > 0) problems.push(`${p.label}: answers other than 202, 429 or 503 with Retry-After: ${bad.join(', ')}`);
  }
  if (!run.healthyAfter) problems.push('edge or collector not healthy after the run');
  return problems;
}
