#!/usr/bin/env bash
# Runs every test suite. Installs what the tests need when it is missing (PostgreSQL's server binaries
# from Debian's packages); the tests start their own throwaway PostgreSQL clusters on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."

# The tests need PostgreSQL's server binaries for their clusters, and MariaDB's (Debian's mariadb-server)
# for the throwaway servers of the mysql connector's tests. A test runs the README's quickstart as
# written, which needs curl and jq, and the short benchmark run needs sqlite3 and bc. The SDK conformance
# suite needs Node.js (20 or later) and npm. The dashboard's browser tests drive Debian's chromium
# (/usr/bin/chromium) through Playwright, which launches it by path and downloads no browser.
missing=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v mariadbd >/dev/null || [ -x /usr/sbin/mariadbd ] || missing+=(mariadb-server)
command -v curl >/dev/null || missing+=(curl)
command -v jq >/dev/null || missing+=(jq)
command -v sqlite3 >/dev/null || missing+=(sqlite3)
command -v bc >/dev/null || missing+=(bc)
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
[ -x /usr/bin/chromium ] || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
    echo "Installing ${missing[*]} from Debian's packages..."
    sudo_cmd=""
    if [ "$(id -u)" -ne 0 ]; then
        sudo_cmd="sudo"
    fi
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi

dotnet build Outflow.slnx --nologo -v quiet
# Formatting is part of the build's rules: fail on any file that dotnet format would change.
dotnet format Outflow.slnx --verify-no-changes --no-restore
dotnet test Outflow.slnx --no-build --nologo "$@"

# Short runs of the benchmarks and of the cancel check: each exits non-zero when its executions' counts
# are wrong, and the cancel check also when a cancel took longer than 5 seconds. The cancel check needs
# enough rows that its mid-execution cancel lands before the last batch: with 20,000 it sometimes did not.
bench/full-sync.sh 2000
bench/cancel-check.sh 200000
# api + 1 worker against api + 2 workers on a PostgreSQL store, once each. It exits non-zero when a target is wrong.
bench/workers.sh 4 500 1
# The ratio harness at a tiny size, about 30 seconds after its build: it exits non-zero when an execution fails or its
# counts or target rows are wrong, never because a ratio misses its target.
bench/limits.sh --quick --rows 5000 --pairs 1 --memory-rows 1000,5000 --executions 2000 --page 20 --page-requests 20
# The API load run for 10 seconds: 50 clients against a server whose syncs execute again and again, about a minute
# with creating the 50 API keys. It exits non-zero when a response was neither 2xx, a rate limiter 429 nor a 409 of
# Start Sync, or a request got no response. It also does when an execution did not complete or left its target wrong,
# and never because of a latency.
bench/load.sh 10 50 --rows 20000
# Each micro-benchmark once (BenchmarkDotNet's Dry job), about 15 seconds after its Release build: it exits non-zero
# when a benchmark fails to build or run. It runs in-process because BenchmarkDotNet's default toolchain first rebuilds
# the engine in a generated project, about 50 seconds more on a busy 2-core machine. Full runs use that toolchain.
bench/micro.sh --quick --inProcess

# Polytomic's TypeScript SDK (npm `polytomic` 1.18.1) against a live server, about a minute.
tests/conformance/run.sh
