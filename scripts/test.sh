#!/usr/bin/env bash
# The whole test suite: type-check, build the SDK, then every workspace's tests (unit,
# workerd, chDB, headless Chromium and the end-to-end path). Ends with one summary line.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-chromium.sh

echo "== type-check"
npm run --silent typecheck
echo "== build"
npm run --silent build

results=.tmp/test-results
rm -rf "$results" && mkdir -p "$results"
status=0
for ws in protocol collector edge sdk demo-store; do
  echo "== test $ws"
  npm test -w "$ws" -- --reporter=default --reporter=json --outputFile.json="$PWD/$results/$ws.json" || status=1
done
node scripts/summarize-tests.mjs "$results" || status=1
exit $status
