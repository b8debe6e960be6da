#!/usr/bin/env bash
# Compares the throughput of the distributed mode with one worker and with two. `outflow api` and 1 or 2
# `outflow worker` processes share one PostgreSQL store and run SYNCS replace syncs of ROWS rows each
# (PostgreSQL table to PostgreSQL table in the same cluster), all started at once through Start Sync. Runs alternate
# between one and two workers, RUNS times each, each run with new syncs and empty target tables. Starts its
# own PostgreSQL cluster and processes on 127.0.0.1 in a temporary directory and removes them.
#
#   bench/workers.sh [SYNCS] [ROWS] [RUNS]   (default 20 20000 3; needs PostgreSQL's binaries, curl, jq and bc)
#
# Prints one JSON object: per worker count the seconds of every run and the median rows per second, and
# the ratio of the two medians. A run's time is wall-clock seconds from the first Start Sync until Sync
# Status shows no running execution for any of its syncs. Exits 1 when an execution did not complete or a
# target's row count differs from ROWS, so a small run doubles as a check.
set -euo pipefail
cd "$(dirname "$0")/.."
syncs=${1:-20}
rows=${2:-20000}
runs=${3:-3}
. bench/lib.sh

worker_pids=()
stop_workers() {
    for pid in "${worker_pids[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${worker_pids[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    worker_pids=()
}
trap 'stop_workers; bench_cleanup' EXIT

bench_start_postgres
psql_bench -c "CREATE DATABASE store"
psql_bench <<SQL
CREATE TABLE public.source (id bigint PRIMARY KEY, name text, amount numeric(12, 2), created timestamptz);
INSERT INTO public.source
SELECT i, 'name ' || i, (i % 100000) / 100.0, timestamptz '2025-01-01 00:00:00+00' + i * interval '1 second'
FROM generate_series(1, $rows) AS i;
SQL

dotnet build src/Outflow -c Release --nologo -v quiet >/dev/null
program=src/Outflow/bin/Release/net10.0/outflow.dll
export OUTFLOW_STORE="Host=127.0.0.1;Port=$pg_port;Database=store;Username=postgres"
export OUTFLOW_MASTER_KEY=$(head -c 32 /dev/urandom | base64)
export OUTFLOW_BOOTSTRAP_KEY=$key
export OUTFLOW_FILES_ROOT=$work/files
mkdir -p "$OUTFLOW_FILES_ROOT"
OUTFLOW_DATA_DIR=$work/migrate dotnet "$program" migrate >/dev/null
OUTFLOW_DATA_DIR=$work/api dotnet "$program" api --urls "$url" >"$work/api.log" 2>&1 &
server_pid=$!
until curl -sf "$url/healthz" >/dev/null; do sleep 0.2; done

connection_id=$(bench_pg_connection pg)
model_id=$(api -X POST "$url/api/models" -d "{\"name\":\"source\",\"connection_id\":\"$connection_id\",\"configuration\":{\"table\":\"public.source\"}}" | jq -r .data.id)

start_workers() {
    local i port
    for i in $(seq 1 "$1"); do
        port=$((api_port + 100 + i))
        OUTFLOW_DATA_DIR=$work/worker-$i dotnet "$program" worker --urls "http://127.0.0.1:$port" \
            >>"$work/worker-$i.log" 2>&1 &
        worker_pids+=($!)
        until curl -sf "http://127.0.0.1:$port/readyz" >/dev/null; do sleep 0.2; done
    done
}

# Runs new syncs into new tables, all started at once, and prints the seconds until every one finished.
run() {
    local run_name=$1 i sync_ids=() start end id
    for i in $(seq 1 "$syncs"); do
        psql_bench -c "CREATE TABLE public.${run_name}_$i (LIKE public.source INCLUDING ALL)"
        id=$(api -X POST "$url/api/syncs" -d "$(jq -n --arg m "$model_id" --arg c "$connection_id" --arg table "public.${run_name}_$i" '{
          name: $table, mode: "replace", active: true, schedule: {},
          target: {connection_id: $c, object: $table},
          identity: {source: {model_id: $m, field: "id"}, target: "id", function: "Equality"},
          fields: [["name","amount","created"][] | {source: {model_id: $m, field: .}, target: .}]}')" | jq -r .data.id)
        sync_ids+=("$id")
    done
    start=$(date +%s.%N)
    for id in "${sync_ids[@]}"; do
        api -X POST "$url/api/syncs/$id/executions" -d '{}' >/dev/null
    done
    for id in "${sync_ids[@]}"; do
        until api "$url/api/syncs/$id/status" | jq -e '.data.current_execution == null' >/dev/null; do sleep 0.2; done
    done
    end=$(date +%s.%N)
    for i in "${!sync_ids[@]}"; do
        api "$url/api/syncs/${sync_ids[$i]}/status" | jq -e '.data.last_execution.status == "completed"' >/dev/null || {
            echo "bench/workers.sh: an execution of run $run_name did not complete" >&2
            exit 1
        }
        [ "$(psql_bench -At -c "SELECT count(*) FROM public.${run_name}_$((i + 1))")" = "$rows" ] || {
            echo "bench/workers.sh: target ${run_name}_$((i + 1)) does not hold $rows rows" >&2
            exit 1
        }
    done
    echo "$end - $start" | bc
}

one=()
two=()
for r in $(seq 1 "$runs"); do
    start_workers 1
    one+=("$(run "one_$r")")
    stop_workers
    start_workers 2
    two+=("$(run "two_$r")")
    stop_workers
done

jq -n --argjson syncs "$syncs" --argjson rows "$rows" \
    --argjson one "$(printf '%s\n' "${one[@]}" | jq -s .)" --argjson two "$(printf '%s\n' "${two[@]}" | jq -s .)" '
    def median: sort | if length % 2 == 1 then .[length / 2 | floor] else (.[length / 2 - 1] + .[length / 2]) / 2 end;
    ($syncs * $rows) as $total
    | {syncs: $syncs, rows: $rows, one_worker: {seconds: $one, median_rows_per_second: (($total / ($one | median)) | floor)},
       two_workers: {seconds: $two, median_rows_per_second: (($total / ($two | median)) | floor)}}
    | .ratio = ((.two_workers.median_rows_per_second / .one_worker.median_rows_per_second * 100 | round) / 100)' -c
