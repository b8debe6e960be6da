#!/usr/bin/env bash
# Runs the BenchmarkDotNet micro-benchmarks in bench/Outflow.Micro: the engine's per-row work in change detection
# (encoding and hashing a row, decoding a payload, hashing an identity) and its scratch files (sorting the keys,
# storing the rows). Builds Release and prints BenchmarkDotNet's summary table. Reports and logs go to
# bench/artifacts/micro, which git ignores, and the scratch files to a directory under $TMPDIR (default /tmp)
# that the benchmarks delete.
#
#   bench/micro.sh [--quick] [BENCHMARKDOTNET OPTIONS]
#
#   (default)  BenchmarkDotNet's default job: warm-up, then iterations until the mean is stable
#   --quick    the Dry job: each benchmark runs once, which checks that they build and run but measures nothing
#
# Other options go to BenchmarkDotNet, for example `--filter '*SortKeys*'` to run one benchmark, `--list flat`
# to list them, or `--job Short` for fewer iterations. Without --filter every benchmark runs.
# Exits 1 when a benchmark fails to build or run.
set -euo pipefail
cd "$(dirname "$0")/.."

options=()
if [ "${1:-}" = "--quick" ]; then
    shift
    options+=(--job Dry)
fi

case " $* " in
    *" --filter "* | *" -f "*) ;;
    *) options+=(--filter '*') ;;
esac

dotnet build bench/Outflow.Micro -c Release --nologo -v quiet
dotnet bench/Outflow.Micro/bin/Release/net10.0/Outflow.Micro.dll --artifacts bench/artifacts/micro "${options[@]}" "$@"
