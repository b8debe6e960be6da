using System.Text.Json.Nodes;

namespace Outflow.Bench;

/// <summary>The machine, tool versions and commit a run measured, for the output's header.</summary>
internal static class RunEnvironment
{
    public static JsonObject Machine()
    {
        var memoryKibibytes = ReadProcField("/proc/meminfo", "MemTotal:");
        return new JsonObject
        {
            ["cores"] = Environment.ProcessorCount,
            ["memory_gib"] = memoryKibibytes is null ? null : Math.Round(double.Parse(memoryKibibytes.Split(' ')[0]) / 1024 / 1024, 1),
            ["cpu"] = ReadProcField("/proc/cpuinfo", "model name"),
            ["os"] = System.Runtime.InteropServices.RuntimeInformation.OSDescription,
        };
    }

    public static async Task<JsonObject> VersionsAsync(Postgres postgres, CancellationToken cancellationToken) =>
        new()
        {
            ["dotnet_sdk"] = await FirstLineAsync("dotnet --version", cancellationToken),
            ["dotnet_runtime"] = Environment.Version.ToString(),
            ["postgresql"] = await postgres.ServerVersionAsync(cancellationToken),
            ["psql"] = await FirstLineAsync("psql --version", cancellationToken),
            ["sqlite3"] = await FirstLineAsync("sqlite3 --version | cut -d ' ' -f 1", cancellationToken),
        };

    /// <summary>Returns HEAD's commit id, with <c>-dirty</c> appended when the work tree has uncommitted changes.</summary>
    public static async Task<string?> CommitAsync(string repositoryDirectory, CancellationToken cancellationToken)
    {
        var directory = Shell.Quote(repositoryDirectory);
        var commit = await FirstLineAsync($"git -C {directory} rev-parse HEAD", cancellationToken);
        var status = await FirstLineAsync($"git -C {directory} status --porcelain --untracked-files=no", cancellationToken);
        return commit is null ? null : string.IsNullOrEmpty(status) ? commit : commit + "-dirty";
    }

    private static async Task<string?> FirstLineAsync(string script, CancellationToken cancellationToken)
    {
        try
        {
            var (_, output) = await Shell.RunAsync(script, new Dictionary<string, string>(), cancellationToken);
            return output.Split('\n')[0].Trim();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static string? ReadProcField(string path, string name)
    {
        var line = File.ReadLines(path).FirstOrDefault(line => line.StartsWith(name, StringComparison.Ordinal));
        return line?[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
    }
}
