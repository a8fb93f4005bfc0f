/** The help text. */
export const USAGE = `lifeline-collector — run the collector, or ask it questions

usage:
  lifeline-collector [serve]                      start the collector (configured by environment, see docs/collector.md)
  lifeline-collector funnel <step> <step>… [--from] [--to] [--window 1d] [--by session|user|anon]
                        [--order sequential|strict] [--breakdown browser|os|device|country|release|path] [--compare]
  lifeline-collector metrics   [--from] [--to] [--interval hour|day] [--tz Europe/Berlin] [--events a,b]
  lifeline-collector anomalies [--from] [--to] [--metrics orders,revenue,…] [--weeks 4] [--threshold 3]
  lifeline-collector timeline <id> [--by request|session|user|order|trace] [--around 5m] [--no-related]
  lifeline-collector errors    [--from] [--to] [--release] [--limit 50]
  lifeline-collector search <text> | --re <RE2 pattern> [--fields message,url,stack] [--kinds error,log] [--limit 100]
  lifeline-collector vitals    [--from] [--to] [--names LCP,INP] [--path /checkout]
  lifeline-collector red       [--from] [--to] [--source browser|backend|all] [--path /api]

  A step is an event name with optional property filters: 'add_to_cart[product_id=tee-rose]'.
  Times: epoch ms, 2026-11-14, 2026-11-14T14:00Z, now, now-7d, -24h. Every --flag is the API's
  parameter of the same name (docs/queries.md lists them all).

where the questions go:
  --url URL, --token TOKEN       a running collector (or LIFELINE_COLLECTOR_URL, LIFELINE_READ_TOKEN)
  --data-dir DIR [--project P]   the embedded store itself, when no collector holds it (or LIFELINE_DATA_DIR)
  --database NAME                database in the store (default: CLICKHOUSE_DATABASE or lifeline)

output:
  aligned tables on stdout; --json prints the API's JSON answer instead; progress goes to stderr.
  Exit status: 0 answered, 1 failed (unreachable, refused, locked store), 2 bad usage.
`;
