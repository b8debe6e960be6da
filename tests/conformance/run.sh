#!/usr/bin/env bash
# Runs the SDK conformance suite: installs Polytomic's TypeScript SDK (npm `polytomic`, pinned in
# package-lock.json) into tests/conformance/node_modules, starts a throwaway PostgreSQL cluster and an
# Outflow server on 127.0.0.1, fills a source table, and runs the suite with node's test runner.
#
#   tests/conformance/run.sh [NODE_TEST_ARGS...]   e.g. --test-name-pattern=connections
#
# Needs Node.js 20 or later with npm, PostgreSQL's server binaries, curl and the .NET SDK. Installs nothing
# outside tests/conformance. Everything else it starts is removed on exit.
set -euo pipefail
cd "$(dirname "$0")/../.."

suite_dir=tests/conformance
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
    echo "tests/conformance needs Node.js 20 or later, found $(node --version); install a newer Node.js." >&2
    exit 1
fi
# `npm ci` reinstalls from the lock file; skip it when node_modules already matches the lock file.
if ! cmp -s "$suite_dir/package-lock.json" "$suite_dir/node_modules/.package-lock.json.installed" 2>/dev/null; then
    (cd "$suite_dir" && npm ci --no-audit --no-fund --loglevel=error)
    cp "$suite_dir/package-lock.json" "$suite_dir/node_modules/.package-lock.json.installed"
fi

. bench/lib.sh

bench_start_postgres
# `customers` is the model's source and `customer_copy` the upsert target. `events` is the target of the
# syncs that the suite cancels. Their model reads a generated series, large enough that the execution is
# still running when the cancel request arrives.
psql_bench <<'SQL'
CREATE TABLE public.customers (id bigint PRIMARY KEY, email text NOT NULL, score numeric(10, 2),
    signed_up timestamptz NOT NULL, active boolean NOT NULL);
INSERT INTO public.customers
SELECT i, 'customer' || i || '@example.com', (i % 1000) / 10.0,
    timestamptz '2025-01-01 00:00:00+00' + i * interval '1 hour', i % 3 <> 0
FROM generate_series(1, 500) AS i;
CREATE TABLE public.customer_copy (id bigint PRIMARY KEY, email text, score numeric(10, 2),
    signed_up timestamptz, active boolean);
CREATE TABLE public.events (id bigint, payload text);
SQL

bench_start_server

export OUTFLOW_URL=$url
export OUTFLOW_API_KEY=$key
export OUTFLOW_PG_PORT=$pg_port
status=0
(cd "$suite_dir" && node --test --test-concurrency=1 "$@" sdk/*.test.js) || status=$?
if [ "$status" -ne 0 ]; then
    echo "The SDK conformance suite failed; the server's last warnings and errors follow." >&2
    grep -E '"LogLevel":"(Warning|Error|Critical)"' "$work/serve.log" | tail -n 20 | cut -c 1-600 >&2 || true
fi
exit "$status"
