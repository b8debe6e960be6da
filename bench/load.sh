#!/usr/bin/env bash
# Runs CLIENTS concurrent API clients for SECONDS against a Release build of `outflow serve` on 127.0.0.1,
# while busy syncs execute again and again. The server keeps its default rate limit (50 requests per second
# per API key, bursts of 100), and each client has its own API key. Each busy sync reads a generated SQLite table that
# changes by 1% every second and writes into its own SQLite file. Everything runs in a temporary directory,
# removed on exit.
#
#   bench/load.sh [SECONDS] [CLIENTS] [--postgres-store] [HARNESS OPTIONS]   (default 60 50)
#
# --postgres-store starts a throwaway PostgreSQL cluster and uses it as the server's store instead of the
# embedded SQLite store. Other options (--rows N, --syncs N, --keys N, --rate-limit N, --rate-burst N) go
# to the harness, which lists them when run as
# `dotnet bench/Outflow.Bench/bin/Release/net10.0/outflow-bench.dll load`.
#
# Prints one JSON object: request counts, per-route p50/p95/p99/max latency and throughput, and the
# executions' statuses. Exits 1 on a response other than 2xx, a 429 of the rate limiter or a 409 of Start Sync
# for a sync already running, and on a request without a response. Exits 1 as well when an execution did not
# complete or left its target different from the model. A latency never fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
clients=${2:-50}
shift $(($# < 2 ? $# : 2))
store=()
if [ "${1:-}" = "--postgres-store" ]; then
    shift
    store=(postgres)
fi

. bench/lib.sh
trap 'exit 130' INT
trap 'exit 143' TERM
options=(--work "$work" --seconds "$seconds" --clients "$clients")
if [ ${#store[@]} -gt 0 ]; then
    bench_start_postgres
    psql_bench -c "CREATE DATABASE store"
    options+=(--store "Host=127.0.0.1;Port=$pg_port;Database=store;Username=postgres")
fi

dotnet build src/Outflow -c Release --nologo -v quiet >/dev/null
dotnet build bench/Outflow.Bench -c Release --nologo -v quiet >/dev/null
bench_exec_harness load "${options[@]}" "$@"
