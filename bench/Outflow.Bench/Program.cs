using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Outflow.Bench;

// Measures Outflow against the fastest way to do the same work on the same machine (psql COPY pipes, the sqlite3
// shell) and prints one JSON object of ratios. bench/limits.sh starts the PostgreSQL cluster and builds Release first.
// With `load` as the first argument it runs the API load run of bench/load.sh instead.
var load = args is ["load", ..];
BenchOptions? options = null;
LoadOptions? loadOptions = null;
try
{
    if (load)
    {
        loadOptions = LoadOptions.Parse(args[1..]);
    }
    else
    {
        options = BenchOptions.Parse(args);
    }
}
catch (ArgumentException exception)
{
    Console.Error.WriteLine(exception.Message);
    Console.Error.WriteLine(load ? LoadOptions.Usage : BenchOptions.Usage);
    return 2;
}

using var cancellation = new CancellationTokenSource();

// Ctrl-C and SIGTERM cancel the run, so the servers it started are stopped by their disposal on the way out.
void Cancel(PosixSignalContext context)
{
    context.Cancel = true;
    Progress.Write($"{context.Signal} received, stopping");
    cancellation.Cancel();
}

using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Cancel);
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Cancel);

try
{
    var json = new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    if (loadOptions is not null)
    {
        var (loadReport, failures) = await new LoadRun(loadOptions).RunAsync(cancellation.Token);
        Console.WriteLine(loadReport.ToJsonString(json));
        foreach (var failure in failures)
        {
            Console.Error.WriteLine($"Check failed: {failure}");
        }

        return failures.Count == 0 ? 0 : 1;
    }

    var report = await BenchRun.RunAsync(options!, cancellation.Token);
    Console.WriteLine(report.ToJsonString(json));
    return 0;
}
catch (BenchCheckException exception)
{
    Console.Error.WriteLine($"Check failed: {exception.Message}");
    return 1;
}
catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
{
    Console.Error.WriteLine("Canceled.");
    return 130;
}
catch (Exception exception) when (exception is InvalidOperationException or HttpRequestException or TimeoutException
    or System.Text.Json.JsonException or Npgsql.NpgsqlException or Microsoft.Data.Sqlite.SqliteException or IOException)
{
    // A setup step, a baseline command or an API call failed: the run measured nothing.
    Console.Error.WriteLine($"Benchmark run failed: {exception}");
    return 2;
}
