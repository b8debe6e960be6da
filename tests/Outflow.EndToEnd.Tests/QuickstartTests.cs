using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Outflow.EndToEnd.Tests;

/// <summary>
/// Runs the README's quickstart as written, with bash, curl and jq, against <c>outflow serve</c> started as a
/// child process: the test fails when the README's commands stop working.
/// </summary>
public sealed class QuickstartTests
{
    private const string ApiKey = "quickstart-admin-key-0123456789";
    private const string ClientBlockMarker = "---client-commands---";

    [Fact]
    public async Task Readme_quickstart_syncs_the_demo_customers()
    {
        var workDirectory = Path.Combine(Path.GetTempPath(), "outflow-quickstart-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(workDirectory);
        try
        {
            var environment = new Dictionary<string, string>
            {
                ["OUTFLOW_BOOTSTRAP_KEY"] = ApiKey,
                ["OUTFLOW_DATA_DIR"] = Path.Combine(workDirectory, ".outflow"),
            };
            var (server, address) = await OutflowProcess.StartServerAsync(environment, "--urls", "http://127.0.0.1:0");
            await using (server)
            {
                var script = QuickstartScript(address);
                var (exitCode, output) = await RunBashAsync(script, workDirectory, environment);
                Assert.True(exitCode == 0, $"the quickstart failed with exit code {exitCode}:\n{output}");

                // The first block's last command prints the execution list.
                var marker = output.IndexOf(ClientBlockMarker, StringComparison.Ordinal);
                Assert.True(marker >= 0, output);
                var listing = JsonNode.Parse(output[output.IndexOf("{\n  \"data\"", StringComparison.Ordinal)..marker])!;
                var execution = listing["data"]![0]!;
                Assert.Equal("completed", execution["status"]!.GetValue<string>());
                Assert.Equal(59, execution["counts"]!["insert"]!.GetValue<long>());
                Assert.Equal(0, execution["counts"]!["error"]!.GetValue<long>());

                // The second block runs the sync again with the client, which finds nothing changed, and lists.
                var client = output[marker..];
                Assert.Matches(@"Execution [0-9a-f-]{36} completed in [0-9.]+ s: 0 inserted, 0 updated, 0 deleted, 0 errors", client);
                Assert.Matches(@"\n[0-9a-f-]{36}\s+customers to crm\s+updateOrCreate\s+yes\s+completed", client);
                Assert.Equal(2, client.Split('\n').Count(line => line.Contains("completed   manual", StringComparison.Ordinal)));
            }
        }
        finally
        {
            Directory.Delete(workDirectory, recursive: true);
        }
    }

    /// <summary>
    /// Extracts the quickstart's two shell blocks from the README, the API calls and then the client commands, and
    /// points them at this test's server. A marker line between them separates their output.
    /// </summary>
    private static string QuickstartScript(Uri address)
    {
        var readme = File.ReadAllText(Path.Combine(OutflowProcess.RepositoryRoot(), "README.md"));
        var section = readme[readme.IndexOf("## Quickstart", StringComparison.Ordinal)..];
        var start = section.IndexOf("```sh\n", StringComparison.Ordinal) + "```sh\n".Length;
        var end = section.IndexOf("```", start, StringComparison.Ordinal);
        var clientStart = section.IndexOf("```sh\n", end + 3, StringComparison.Ordinal) + "```sh\n".Length;
        Assert.True(clientStart < section.IndexOf("\n## ", StringComparison.Ordinal), "the quickstart has no second shell block");
        var block = section[start..end] + $"echo {ClientBlockMarker}\nexport OUTFLOW_URL={address}\n" +
            section[clientStart..section.IndexOf("```", clientStart, StringComparison.Ordinal)];
        Assert.Contains("export OUTFLOW_API_KEY=", block);
        Assert.Contains("URL=http://127.0.0.1:8080", block);
        Assert.Contains("dotnet run --project src/Outflow --", block);

        var lines = block.Split('\n').Select(line => line.StartsWith("export OUTFLOW_API_KEY=", StringComparison.Ordinal)
            ? $"export OUTFLOW_API_KEY={ApiKey}"
            : line);
        return "set -euo pipefail\n" + string.Join('\n', lines)
            .Replace("URL=http://127.0.0.1:8080", "URL=" + address.ToString().TrimEnd('/'), StringComparison.Ordinal)
            .Replace("dotnet run --project src/Outflow --", $"dotnet \"{OutflowProcess.ProgramPath()}\"", StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Output)> RunBashAsync(
        string script, string workDirectory, IReadOnlyDictionary<string, string> environment)
    {
        var startInfo = new ProcessStartInfo("bash")
        {
            WorkingDirectory = workDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment)
        {
            startInfo.Environment[name] = value;
        }

        using var process = Process.Start(startInfo)!;
        await process.StandardInput.WriteAsync(script);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }
}
