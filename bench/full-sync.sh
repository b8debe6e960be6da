#!/usr/bin/env bash
# Times three executions of one replace sync from a generated SQLite model into PostgreSQL: the first
# (every row new), a second with nothing changed, and a third after 1% of the rows changed. Starts its
# own PostgreSQL cluster and Outflow server on 127.0.0.1 in a temporary directory and removes both.
#
#   bench/full-sync.sh [ROWS]      (default 200000; needs PostgreSQL's binaries, sqlite3, curl and jq)
#
# Prints one JSON object: seconds and rows per second for each execution, the counts Outflow reported,
# and the server's peak resident memory (VmHWM). Exits 1 when an execution did not complete or its counts
# differ from what the generated changes imply, so a small run doubles as a check.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-200000}
. bench/lib.sh

bench_start_postgres
psql_bench -c "CREATE TABLE public.bench (id bigint PRIMARY KEY,
    name text, amount numeric(12, 2), score double precision, flag integer, created text)"

# The model: a SQLite table with six columns.
mkdir -p "$work/data/files"
sqlite3 "$work/data/files/bench.sqlite" <<SQL
CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, amount NUMERIC, score REAL, flag INTEGER, created TEXT);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $rows)
INSERT INTO t SELECT i, 'name ' || i || ' ü', (i % 100000) / 100.0, i / 7.0, i % 2, date('2025-01-01', '+' || (i % 365) || ' days') FROM n;
SQL

bench_start_server

source_id=$(api -X POST "$url/api/connections" -d '{"name":"bench","type":"sqlite","configuration":{"path":"bench.sqlite"}}' | jq -r .data.id)
target_id=$(bench_pg_connection pg)
model_id=$(api -X POST "$url/api/models" -d "{\"name\":\"bench\",\"connection_id\":\"$source_id\",\"configuration\":{\"table\":\"t\"}}" | jq -r .data.id)
sync_id=$(api -X POST "$url/api/syncs" -d "$(jq -n --arg m "$model_id" --arg t "$target_id" '{
  name: "bench", mode: "replace", active: true, schedule: {},
  target: {connection_id: $t, object: "public.bench"},
  identity: {source: {model_id: $m, field: "id"}, target: "id", function: "Equality"},
  fields: [["name","amount","score","flag","created"][] | {source: {model_id: $m, field: .}, target: .}]}')" | jq -r .data.id)

run() {
    local start end
    start=$(date +%s.%N)
    api -X POST "$url/api/syncs/$sync_id/executions" -d '{}' >/dev/null
    until api "$url/api/syncs/$sync_id/status" | jq -e '.data.current_execution == null' >/dev/null; do sleep 0.2; done
    end=$(date +%s.%N)
    api "$url/api/syncs/$sync_id/executions" | jq -c --argjson s "$(echo "$end - $start" | bc)" --argjson rows "$rows" \
        '.data[0] | {status, seconds: $s, rows_per_second: (($rows / $s) | floor), counts}'
}

first=$(run)
unchanged=$(run)
sqlite3 "$work/data/files/bench.sqlite" "UPDATE t SET amount = amount + 1 WHERE id % 200 = 0;
    DELETE FROM t WHERE id % 400 = 1; INSERT INTO t SELECT id + $rows, name, amount, score, flag, created FROM t WHERE id % 400 = 2;"
changed=$(run)
peak=$(awk '/VmHWM/ {print $2}' "/proc/$server_pid/status")
result=$(jq -n --argjson first "$first" --argjson unchanged "$unchanged" --argjson changed "$changed" \
    --argjson peak "$peak" --argjson rows "$rows" \
    '{rows: $rows, first: $first, unchanged: $unchanged, one_percent_changed: $changed, server_peak_rss_kib: $peak}')
echo "$result"

# The third run's changes: ids divisible by 200 updated, ids 1 mod 400 deleted, copies of ids 2 mod 400 inserted.
jq -e --argjson rows "$rows" '
    ([.first, .unchanged, .one_percent_changed] | all(.status == "completed"))
    and .first.counts.insert == $rows and .first.counts.error == 0
    and .unchanged.counts.total == 0
    and .one_percent_changed.counts.update == (($rows / 200) | floor)
    and .one_percent_changed.counts.delete == ((($rows - 1) / 400 | floor) + 1)
    and .one_percent_changed.counts.insert == ((($rows - 2) / 400 | floor) + 1)
    and .one_percent_changed.counts.error == 0' <<<"$result" >/dev/null || {
    echo "bench/full-sync.sh: an execution failed or its counts are wrong" >&2
    exit 1
}
