#!/usr/bin/env bash
# `npm test`: lint and types, unit tests, integration tests on embedded PGlite and on PostgreSQL, then the
# end-to-end tests in Chromium against the built app. Ends with one "N passed, N failed" line over all suites.
set -uo pipefail
cd "$(dirname "$0")/.."
export ONNXRUNTIME_NODE_INSTALL=skip NEXT_TELEMETRY_DISABLED=1
results="$(mktemp -d)"
status=0
step() { echo; echo "=== $1"; }
run() { "$@" || status=1; }

step "lint and types"
run npx eslint .
run npx tsc --noEmit

step "unit tests"
run npx vitest run --project unit --reporter=default --reporter=json --outputFile="$results/unit.json"

step "integration tests on embedded PGlite"
run npx vitest run --project integration --reporter=default --reporter=json --outputFile="$results/pglite.json"

step "integration tests on PostgreSQL"
if pg_url="$(bash scripts/test/postgres.sh)"; then
  TEST_DATABASE_URL="$pg_url" run npx vitest run --project integration --reporter=default --reporter=json --outputFile="$results/postgres.json"
else
  echo "PostgreSQL could not be started (apt-get install -y postgresql)"; status=1
fi

step "end-to-end tests in Chromium"
if npm run build; then
  PLAYWRIGHT_JSON_OUTPUT_NAME="$results/e2e.json" run npx playwright test --reporter=list,json
else
  status=1
fi

node scripts/test/summary.mjs "$results" || status=1
exit $status
