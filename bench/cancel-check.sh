#!/usr/bin/env bash
# Cancels large executions and checks what the target contains afterwards. A PostgreSQL table of ROWS rows is
# appended into keyless PostgreSQL tables, where a duplicated or lost row would show, in three ways:
#
#   at_start   canceled one second after it starts running (while the model is read)
#   in_middle  canceled once a quarter of the rows are written
#   deleted    its sync deleted once a quarter of the rows are written
#
#   bench/cancel-check.sh [ROWS]   (default 1000000; needs PostgreSQL's binaries, curl, jq and bc)
#
# For the two canceled executions: seconds from the cancel request to status canceled, the target holding
# exactly the rows the execution counted, and a following execution writing the rest with no duplicate. For
# the deleted sync: seconds from the delete until the target stops changing. Prints one JSON object and exits
# 1 when a check fails or a stop took longer than 5 seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
limit_seconds=5
. bench/lib.sh

bench_start_postgres
psql_bench <<SQL
CREATE TABLE public.source (id bigint PRIMARY KEY, name text, amount numeric(12, 2), created timestamptz, flag boolean);
INSERT INTO public.source
SELECT i, 'name ' || i, (i % 100000) / 100.0, timestamptz '2025-01-01 00:00:00+00' + i * interval '1 second', i % 2 = 0
FROM generate_series(1, $rows) AS i;
CREATE TABLE public.at_start (id bigint, name text, amount numeric(12, 2), created timestamptz, flag boolean);
CREATE TABLE public.in_middle (LIKE public.at_start);
CREATE TABLE public.deleted (LIKE public.at_start);
SQL
bench_start_server

connection_id=$(bench_pg_connection pg)
model_id=$(api -X POST "$url/api/models" -d "{\"name\":\"source\",\"connection_id\":\"$connection_id\",\"configuration\":{\"table\":\"public.source\"}}" | jq -r .data.id)

create_sync() {
    api -X POST "$url/api/syncs" -d "$(jq -n --arg m "$model_id" --arg c "$connection_id" --arg table "$1" '{
      name: $table, mode: "append", active: true, schedule: {},
      target: {connection_id: $c, object: ("public." + $table)},
      fields: [["id","name","amount","created","flag"][] | {source: {model_id: $m, field: .}, target: .}]}')" | jq -r .data.id
}

now() { date +%s.%N; }
seconds_since() { printf '%.2f' "$(echo "$(now) - $1" | bc)"; }
target_count() { psql_bench -At -c "SELECT count(*) FROM public.$1"; }
execution() { api "$url/api/syncs/$1/executions/$2" | jq -c .data; }
start() { api -X POST "$url/api/syncs/$1/executions" -d '{}' | jq -r .data.id; }

# Polls until the execution's JSON satisfies the jq condition.
wait_for() {
    until execution "$1" "$2" | jq -e "$3" >/dev/null; do sleep 0.05; done
}

# Starts an execution, waits for it to finish and prints it.
run_to_end() {
    local id
    id=$(start "$1")
    wait_for "$1" "$id" '.status | IN("completed", "failed", "canceled")'
    execution "$1" "$id"
}

# Cancels a running execution once the jq condition is true and a pause passed. Prints the checks of it and
# of the next execution.
cancel_when() {
    local table=$1 condition=$2 pause=$3 sync_id id t0 stopped canceled count next final distinct
    sync_id=$(create_sync "$table")
    id=$(start "$sync_id")
    wait_for "$sync_id" "$id" '.status == "running"'
    wait_for "$sync_id" "$id" "$condition"
    sleep "$pause"
    t0=$(now)
    api -X POST "$url/api/syncs/$sync_id/executions/$id/cancel" >/dev/null
    wait_for "$sync_id" "$id" '.status | IN("completed", "failed", "canceled")'
    stopped=$(seconds_since "$t0")
    canceled=$(execution "$sync_id" "$id")
    count=$(target_count "$table")
    next=$(run_to_end "$sync_id")
    final=$(target_count "$table")
    distinct=$(psql_bench -At -c "SELECT count(DISTINCT id) FROM public.$table")
    jq -n --argjson canceled "$canceled" --argjson next "$next" --argjson stopped "$stopped" \
        --argjson count "$count" --argjson final "$final" --argjson distinct "$distinct" '{
          seconds_to_canceled: $stopped, status: $canceled.status, rows_counted: $canceled.counts.insert,
          rows_in_target: $count, next_status: $next.status, next_rows_counted: $next.counts.insert,
          rows_in_target_after_next: $final, distinct_ids_after_next: $distinct}'
}

# Deletes a sync while it runs and prints how long the target kept changing.
delete_when() {
    local table=$1 condition=$2 sync_id id t0 last changed_at current status
    sync_id=$(create_sync "$table")
    id=$(start "$sync_id")
    wait_for "$sync_id" "$id" "$condition"
    t0=$(now)
    status=$(api -o /dev/null -w '%{http_code}' -X DELETE "$url/api/syncs/$sync_id")
    last=$(target_count "$table")
    changed_at=$t0
    # The target has stopped once its row count stays the same for 3 seconds.
    while [ "$(echo "$(now) - $changed_at < 3" | bc)" -eq 1 ] || [ "$(echo "$(now) - $t0 < 3" | bc)" -eq 1 ]; do
        sleep 0.1
        current=$(target_count "$table")
        if [ "$current" != "$last" ]; then
            last=$current
            changed_at=$(now)
        fi
    done
    jq -n --argjson status "$status" --argjson stopped "$(printf '%.2f' "$(echo "$changed_at - $t0" | bc)")" \
        --argjson after "$(api -o /dev/null -w '%{http_code}' "$url/api/syncs/$sync_id")" \
        '{delete_status: $status, seconds_to_last_write: $stopped, get_after_delete: $after}'
}

at_start=$(cancel_when at_start 'true' 1)
# Counts land when a batch's checkpoint commits, which runs beside the next write, and a cancel request is seen
# within a second, so a quarter leaves the rest of the rows to stop in.
in_middle=$(cancel_when in_middle ".counts.total >= ($rows / 4)" 0)
deleted=$(delete_when deleted ".counts.total >= ($rows / 4)")
result=$(jq -n --argjson rows "$rows" --argjson at_start "$at_start" --argjson in_middle "$in_middle" \
    --argjson deleted "$deleted" '{rows: $rows, at_start: $at_start, in_middle: $in_middle, deleted: $deleted}')
echo "$result"

jq -e --argjson rows "$rows" --argjson limit "$limit_seconds" '
    ([.at_start, .in_middle] | all(
        .status == "canceled" and .seconds_to_canceled <= $limit
        and .rows_in_target == .rows_counted
        and .next_status == "completed" and .next_rows_counted == $rows - .rows_counted
        and .rows_in_target_after_next == $rows and .distinct_ids_after_next == $rows))
    and .in_middle.rows_counted >= $rows / 4 and .in_middle.rows_counted < $rows
    and .deleted.delete_status == 200 and .deleted.get_after_delete == 404
    and .deleted.seconds_to_last_write <= $limit' <<<"$result" >/dev/null || {
    echo "bench/cancel-check.sh: a canceled execution left the target wrong or took longer than $limit_seconds seconds" >&2
    exit 1
}
