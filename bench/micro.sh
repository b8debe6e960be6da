#!/usr/bin/env bash
# Runs the BenchmarkDotNet micro-benchmarks in bench/Outflow.Micro: the engine's per-row work in change detection
# (encoding and hashing a row, decoding a payload, hashing an identity) and its scratch files (sorting the keys,
# storing the rows). Builds Release and prints BenchmarkDotNet's summary tables. Reports and logs go to
# bench/artifacts/micro, which git ignores, and the scratch files to a directory under $TMPDIR (default /tmp)
# that the benchmarks delete.
#
#   bench/micro.sh [--quick] [BENCHMARKDOTNET OPTIONS]
#
#   (default)  the Short job: 3 warm-up and 3 measured iterations in one process per benchmark, about 3 minutes
#   --quick    the Dry job: each benchmark runs once, which checks that they build and run but measures nothing
#
# BenchmarkDotNet's default job iterates until the mean is stable. On a busy 2-core machine it had run 4 of the 7
# benchmarks after 8 minutes, so it is not the default here: pass `--job Default` for it. Other options go to
# BenchmarkDotNet, for example `--filter '*SortKeys*'` to run one benchmark or `--list flat` to list them.
# Without --filter every benchmark runs.
# Exits 1 when a benchmark fails to build or run.
set -euo pipefail
cd "$(dirname "$0")/.."

options=()
if [ "${1:-}" = "--quick" ]; then
    shift
    options+=(--job Dry)
else
    # BenchmarkDotNet rejects a second --job, so the Short job applies only when the options name none.
    case " $* " in
        *" --job "* | *" -j "*) ;;
        *) options+=(--job Short) ;;
    esac
fi

case " $* " in
    *" --filter "* | *" -f "*) ;;
    *) options+=(--filter '*') ;;
esac

dotnet build bench/Outflow.Micro -c Release --nologo -v quiet
dotnet bench/Outflow.Micro/bin/Release/net10.0/Outflow.Micro.dll --artifacts bench/artifacts/micro "${options[@]}" "$@"
