#!/usr/bin/env bash
# Runs the cluster soak test at full size: 200 replace syncs of 10,000 rows each on a one-minute cron
# schedule for 6 minutes. api + 3 worker processes share one PostgreSQL store, and 3 workers are killed by
# SIGKILL and replaced. The test then checks the store's executions and compares every target with its
# source. Needs PostgreSQL's server binaries, which scripts/test.sh installs.
# On a 2-core machine shared with other builds it took about 10 minutes: 1,089 executions, and 311 of the
# 1,200 sync minutes were skipped because the sync's previous execution had not finished.
#
#   scripts/soak.sh [dotnet test arguments...]
#
# Each size can be overridden from the environment, for example OUTFLOW_SOAK_SYNCS=50 scripts/soak.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

export OUTFLOW_SOAK_SYNCS=${OUTFLOW_SOAK_SYNCS:-200}
export OUTFLOW_SOAK_ROWS=${OUTFLOW_SOAK_ROWS:-10000}
export OUTFLOW_SOAK_MINUTES=${OUTFLOW_SOAK_MINUTES:-6}
export OUTFLOW_SOAK_KILLS=${OUTFLOW_SOAK_KILLS:-3}
export OUTFLOW_SOAK_WORKERS=${OUTFLOW_SOAK_WORKERS:-3}

dotnet build Outflow.slnx --nologo -v quiet
dotnet test tests/Outflow.EndToEnd.Tests --no-build --nologo --filter Category=Soak \
    --logger "console;verbosity=detailed" "$@"
