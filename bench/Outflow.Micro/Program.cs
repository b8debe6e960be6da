using BenchmarkDotNet.Running;

// Runs the benchmarks that the arguments select (see `--help`). Exits 1 when a benchmark failed to build or run,
// so a script can tell a broken benchmark from a slow one.
// NOTE: invalid options exit 0, because BenchmarkDotNet returns no summaries for them, as for --list or --help.
var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args).ToList();
var failed = summaries.Any(summary => summary.HasCriticalValidationErrors || summary.Reports.Any(report => !report.Success));
return failed ? 1 : 0;
