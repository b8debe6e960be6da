using System.Net;
using System.Text.Json.Nodes;

namespace Outflow.EndToEnd.Tests;

/// <summary>Polls an execution through the API while the server's store or data directory may be failing.</summary>
internal static class ExecutionPolling
{
    /// <summary>
    /// Polls the execution until it reaches a terminal status and returns it, or returns null once
    /// <paramref name="stop"/> returns true. A request that returns 5xx while the store or the disk fails is sent
    /// again and counted in <paramref name="serverErrors"/>; any other unexpected status fails the test.
    /// </summary>
    public static async Task<JsonNode?> WaitForEndAsync(
        ApiClient api, OutflowProcess process, string syncId, string executionId, List<HttpStatusCode> serverErrors, Func<bool>? stop = null)
    {
        var deadline = Environment.TickCount64 + 120_000;
        while (true)
        {
            var (status, body) = await api.SendRawAsync(HttpMethod.Get, $"api/syncs/{syncId}/executions/{executionId}", null);
            Assert.True(
                status == HttpStatusCode.OK || (int)status >= 500,
                $"polling execution {executionId} returned {(int)status}: {body?.ToJsonString()}");
            if (status != HttpStatusCode.OK)
            {
                serverErrors.Add(status);
            }
            else if (ApiClient.IsTerminal(body!["data"]!["status"]!.GetValue<string>()))
            {
                return body["data"]!;
            }

            if (stop?.Invoke() == true)
            {
                return null;
            }

            if (Environment.TickCount64 > deadline)
            {
                throw new TimeoutException(
                    $"execution {executionId} did not end: {body?.ToJsonString()}\nThe server's output:\n" + string.Join('\n', process.Output));
            }

            await Task.Delay(100);
        }
    }
}
