using System.Diagnostics;

namespace Outflow.Bench;

/// <summary>Runs bash scripts (the psql pipes and the sqlite3 shell that are the baselines) and times them.</summary>
internal static class Shell
{
    /// <summary>
    /// Runs the script with <c>bash -c</c> under <c>set -euo pipefail</c> and returns its wall-clock time and stdout.
    /// Throws with its stderr when it exits non-zero, and kills its process tree on cancellation.
    /// </summary>
    public static async Task<(TimeSpan Elapsed, string Output)> RunAsync(
        string script, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("set -euo pipefail\n" + script);
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var stopwatch = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Starting bash failed.");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        stopwatch.Stop();
        var stdout = await output;
        var stderr = await error;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"Script failed with exit code {process.ExitCode}: {script}\n{stderr.Trim()}");
        }

        return (stopwatch.Elapsed, stdout);
    }

    /// <summary>Quotes a value for bash by wrapping it in single quotes.</summary>
    public static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
