# Shared by the scripts in bench/: a throwaway PostgreSQL cluster and Outflow server on 127.0.0.1 in a
# temporary directory, removed on exit. Source it after `set -euo pipefail` and `cd` to the repository.
#
#   bench_start_postgres          sets $work, $pg_port; psql runs as postgres on 127.0.0.1
#   bench_start_server            builds Release and starts `outflow serve`; sets $url, $server_pid
#   api ARGS...                   curl with the admin key and JSON content type
#   bench_pg_connection NAME      creates a postgresql connection to the cluster, prints its id
#   bench_exec_harness ARGS...    runs bench/Outflow.Bench's Release build and exits with its status

work=$(mktemp -d /tmp/outflow-bench.XXXXXX)
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
pg_port=$((20000 + RANDOM % 10000))
api_port=$((30000 + RANDOM % 10000))
key=bench-admin-key-0123456789
url=http://127.0.0.1:$api_port
as_pg=()
[ "$(id -u)" -eq 0 ] && as_pg=(runuser -u postgres --)

bench_cleanup() {
    [ -n "${server_pid:-}" ] && kill "$server_pid" 2>/dev/null || true
    "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$work/pg" stop -m immediate >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap bench_cleanup EXIT

# PostgreSQL, trusted on its private socket and on 127.0.0.1 only.
bench_start_postgres() {
    mkdir -p "$work/pg" && chmod 777 "$work"
    [ ${#as_pg[@]} -gt 0 ] && chown postgres "$work/pg"
    "${as_pg[@]}" "$pg_bin/initdb" -D "$work/pg" -A trust -U postgres >/dev/null
    "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$work/pg" -l "$work/pg.log" -w \
        -o "-c listen_addresses=127.0.0.1 -p $pg_port -c unix_socket_directories=$work -c fsync=off" start >/dev/null
}

psql_bench() { psql -q -X -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$pg_port" -U postgres "$@"; }

bench_start_server() {
    mkdir -p "$work/data/files"
    dotnet build src/Outflow -c Release --nologo -v quiet >/dev/null
    OUTFLOW_BOOTSTRAP_KEY=$key dotnet src/Outflow/bin/Release/net10.0/outflow.dll serve \
        --data-dir "$work/data" --urls "$url" >"$work/serve.log" 2>&1 &
    server_pid=$!
    until curl -sf "$url/healthz" >/dev/null; do sleep 0.2; done
}

api() { curl -sS -H "Authorization: Bearer $key" -H 'Content-Type: application/json' "$@"; }

bench_pg_connection() {
    api -X POST "$url/api/connections" -d "{\"name\":\"$1\",\"type\":\"postgresql\",\"configuration\":{\"hostname\":\"127.0.0.1\",\"port\":$pg_port,\"database\":\"postgres\",\"username\":\"postgres\",\"password\":\"unused-with-trust-auth\"}}" | jq -r .data.id
}

# The harness runs in the background so that a signal to the script reaches it at once: it stops its servers and
# exits, and only then does the EXIT trap stop the cluster under them.
bench_exec_harness() {
    dotnet bench/Outflow.Bench/bin/Release/net10.0/outflow-bench.dll "$@" &
    harness_pid=$!
    trap 'kill -TERM "$harness_pid" 2>/dev/null || true' INT TERM
    status=0
    wait "$harness_pid" || status=$?
    while kill -0 "$harness_pid" 2>/dev/null; do
        status=0
        wait "$harness_pid" || status=$?
    done
    exit "$status"
}
