#!/usr/bin/env bash
# Runs the crash tests at full size: outflow serve is killed with SIGKILL during a 100,000-row first sync and
# during a 1%-change sync (1% inserts, 2% updates, 1% deletes), into a PostgreSQL and a SQLite target. Each
# of the 4 combinations is killed at each commit boundary (OUTFLOW_CRASH_POINT: 2 for the first sync, 4 for
# the change sync) and at 10 seeded random delays, 52 cases in all. One more case crashes inside a
# checkpoint on a PostgreSQL store. After each restart the test checks the target row by row, the counts
# and a following execution. Needs PostgreSQL's server binaries, which scripts/test.sh installs.
#
#   scripts/crash.sh [dotnet test arguments...]
#
# Each size can be overridden from the environment, for example OUTFLOW_CRASH_RANDOM_KILLS=3 scripts/crash.sh.
# A run prints its seed; OUTFLOW_CRASH_SEED=SEED replays the same random delays.
set -euo pipefail
cd "$(dirname "$0")/.."

# The full matrix: 100,000 rows, both scenarios, every boundary and 10 random delays.
export OUTFLOW_CRASH_MATRIX=full

dotnet build tests/Outflow.EndToEnd.Tests --nologo -v quiet
dotnet test tests/Outflow.EndToEnd.Tests --no-build --nologo --filter Category=Crash \
    --logger "console;verbosity=detailed" "$@"
