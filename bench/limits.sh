#!/usr/bin/env bash
# Measures Outflow against the fastest way to do the same work on this machine (psql COPY pipes, a bare COPY read,
# the sqlite3 shell) and prints one JSON object of ratios, each with its target and pass or fail. Starts a throwaway
# PostgreSQL cluster (fsync=off, which both sides of every comparison share) on 127.0.0.1, builds Release, and runs
# bench/Outflow.Bench, which starts and stops its own `outflow serve` processes. Everything is removed on exit.
#
#   bench/limits.sh [--quick] [HARNESS OPTIONS]
#
#   (default)  1,000,000 rows, 5 pairs, fresh-server syncs of 100k, 250k, 500k and 1M rows, charts in docs/benchmarks
#   --quick    250,000 rows, 3 pairs, fresh-server syncs of 100k and 1M rows, no charts
#
# Other options (--rows N, --pairs N, --memory-rows N,N, --executions N, --page N, --page-requests N, --chart-dir DIR)
# go to the harness and override the mode's values. The harness lists them when run without options:
# `dotnet bench/Outflow.Bench/bin/Release/net10.0/outflow-bench.dll`. Needs PostgreSQL's binaries, psql and sqlite3.
# Exits 1 when an execution fails or its counts or target rows are wrong, never because a ratio misses its target.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=(--mode full --rows 1000000 --pairs 5 --memory-rows 100000,250000,500000,1000000 --chart-dir docs/benchmarks)
if [ "${1:-}" = "--quick" ]; then
    shift
    mode=(--mode quick --rows 250000 --pairs 3 --memory-rows 100000,1000000)
fi

. bench/lib.sh
# Ctrl-C or SIGTERM stops the script after the current step, and the EXIT trap of bench/lib.sh stops the cluster.
trap 'exit 130' INT
trap 'exit 143' TERM
bench_start_postgres
dotnet build src/Outflow -c Release --nologo -v quiet >/dev/null
dotnet build bench/Outflow.Bench -c Release --nologo -v quiet >/dev/null
bench_exec_harness --pg-port "$pg_port" --work "$work" "${mode[@]}" "$@"
