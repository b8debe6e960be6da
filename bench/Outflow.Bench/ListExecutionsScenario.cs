using System.Globalization;
using System.Text.Json.Nodes;

namespace Outflow.Bench;

/// <summary>
/// Scenario 6: List Executions of a sync with many executions, the p99 time of a deep page divided by that of page 1.
/// The executions are copies of one real execution, inserted straight into the server's SQLite store.
/// </summary>
internal sealed class ListExecutionsScenario(BenchOptions options, Postgres postgres, OutflowServer server)
{
    /// <summary>Executions per page of List Executions, fixed by the server.</summary>
    public const int PageSize = 50;

    private const string TargetTable = "executions_target";

    public async Task<JsonObject> RunAsync(CancellationToken cancellationToken)
    {
        var api = server.Api;
        await postgres.CreateEmptyCopyAsync(TargetTable, PostgresScenarios.SourceTable, cancellationToken);
        var connectionId = await api.CreatePostgresConnectionAsync("bench executions", postgres.Port, cancellationToken);
        var modelId = await api.CreateQueryModelAsync(
            "bench executions", connectionId, Postgres.ModelQuery(PostgresScenarios.SourceTable, 10), cancellationToken);
        var syncId = await api.CreateReplaceSyncAsync(
            "bench executions", modelId, connectionId, $"public.{TargetTable}", Postgres.Columns, cancellationToken);
        var template = await api.RunExecutionAsync(syncId, cancellationToken);
        PostgresScenarios.RequireCompleted(template, "template");

        Progress.Write($"inserting {options.Executions - 1:N0} copies of execution {template.Id} into the store");
        await server.InsertExecutionCopiesAsync(template.Id, options.Executions - 1, cancellationToken);

        // Page tokens are cursors, so reaching page N takes N - 1 requests.
        string? token = null;
        for (var page = 1; page < options.Page; page++)
        {
            var (count, next) = await api.ListExecutionsAsync(syncId, token, cancellationToken);
            if (count != PageSize || next is null)
            {
                throw new BenchCheckException(
                    $"List Executions page {page} returned {count} executions and {(next is null ? "no" : "a")} next page token; " +
                    $"expected {PageSize} and a token with {options.Executions} executions.");
            }

            token = next;
        }

        var deepPath = OutflowApi.ListExecutionsPath(syncId, token);
        var (deepCount, _) = await api.ListExecutionsAsync(syncId, token, cancellationToken);
        if (deepCount != PageSize)
        {
            throw new BenchCheckException($"List Executions page {options.Page} returned {deepCount} executions, expected {PageSize}.");
        }

        var firstPath = OutflowApi.ListExecutionsPath(syncId, null);
        var first = new List<double>();
        var deep = new List<double>();
        for (var i = 0; i < options.PageRequests; i++)
        {
            first.Add((await api.TimeGetAsync(firstPath, cancellationToken)).TotalMilliseconds);
            deep.Add((await api.TimeGetAsync(deepPath, cancellationToken)).TotalMilliseconds);
        }

        var firstP99 = Results.Percentile(first, 99);
        var deepP99 = Results.Percentile(deep, 99);
        Progress.Write($"list executions: page 1 p99 {firstP99:F2} ms, page {options.Page} p99 {deepP99:F2} ms");
        var result = Results.Ratio(deepP99 / firstP99, Target.AtMost(1.2));
        result["executions"] = options.Executions;
        result["page"] = options.Page;
        result["requests_per_page"] = options.PageRequests;
        result["page_1_p99_ms"] = Results.Round(firstP99);
        result[$"page_{options.Page.ToString(CultureInfo.InvariantCulture)}_p99_ms"] = Results.Round(deepP99);
        result["page_1_median_ms"] = Results.Round(Results.Median(first));
        result[$"page_{options.Page.ToString(CultureInfo.InvariantCulture)}_median_ms"] = Results.Round(Results.Median(deep));
        return result;
    }
}
