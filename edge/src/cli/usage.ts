/** `lifeline --help`. */
export const USAGE = `Usage: lifeline flags <command> [options]

Commands:
  list                              every feature's flag, the version and open streams
  set <feature> <state> [options]   set a flag; state is ok, degraded or down
      -m, --message <text>          what customers are told
      --for <duration>              revert to ok by itself after 30s, 10m, 2h, 1d, 1h30m…
      --until <time>                revert at an ISO 8601 time (2026-11-21T18:00:00Z) or epoch ms
  clear <feature>                   back to ok
  history [--limit N]               recorded changes, newest first (default 20, at most 1000)
  watch                             print every change as it reaches pages (Ctrl-C stops)

Options:
  --json                            machine-readable output (one JSON document; JSON lines for watch)
  --edge <url>                      the edge (default: LIFELINE_EDGE_URL or http://127.0.0.1:8787)
  --project <name>                  refuse to act unless the token belongs to this project
  -h, --help                        this text

Environment:
  LIFELINE_OPS_TOKEN                the ops token (required)
  LIFELINE_EDGE_URL                 the edge's base URL

Exit status: 0 done, 1 the edge refused or could not be reached, 2 bad usage.`;
