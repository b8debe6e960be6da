using BenchmarkDotNet.Running;

// Runs the benchmarks that the arguments select (see `--help`). Exits 1 when a benchmark failed to build or run.
// Also exits 1 when no benchmark ran although the options requested a run, as with an invalid option or a filter
// that matches nothing, so a script can tell a broken run from a slow one.
string[] noRunOptions = ["--list", "--help", "-h", "-?", "--info", "--version"];
var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args).ToList();
var failed = summaries.Any(summary => summary.HasCriticalValidationErrors || summary.Reports.Any(report => !report.Success));
var ranNothing = summaries.Count == 0 && !args.Any(noRunOptions.Contains);
return failed || ranNothing ? 1 : 0;
