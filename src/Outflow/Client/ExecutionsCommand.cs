using System.CommandLine;
using System.Text.Json.Nodes;

namespace Outflow.Client;

/// <summary><c>outflow executions list SYNC_ID</c>: a sync's executions, newest first.</summary>
internal static class ExecutionsCommand
{
    public static Command Create()
    {
        var options = new ClientOptions();
        var syncId = new Argument<string>("SYNC_ID") { Description = "The sync whose executions to list" };
        var limit = new Option<int>("--limit")
        {
            Description = "How many executions to show, newest first",
            DefaultValueFactory = _ => 20,
        };
        limit.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1)
            {
                result.AddError($"--limit must be at least 1, got {result.GetValueOrDefault<int>()}");
            }
        });

        var list = new Command("list", "List a sync's executions with their status and counts, newest first");
        list.Arguments.Add(syncId);
        list.Options.Add(limit);
        options.AddTo(list);
        list.SetAction(async (parseResult, cancellationToken) =>
        {
            using var client = options.CreateClient(parseResult);
            var id = Uri.EscapeDataString(parseResult.GetRequiredValue(syncId));
            var executions = await client.ListAsync($"api/syncs/{id}/executions", parseResult.GetValue(limit), cancellationToken);
            if (parseResult.GetValue(options.Json))
            {
                Output.WriteJson(new JsonArray([.. executions]));
                return 0;
            }

            Output.WriteTable(
                ["ID", "STATUS", "TYPE", "STARTED", "COMPLETED", "INSERTED", "UPDATED", "DELETED", "ERRORS"],
                executions.Select(execution => (IReadOnlyList<string?>)
                [
                    Output.Text(execution, "id"),
                    Output.Text(execution, "status"),
                    Output.Text(execution, "type"),
                    Output.Time(execution["started_at"]),
                    Output.Time(execution["completed_at"]),
                    Output.Count(Output.Number(execution["counts"], "insert")),
                    Output.Count(Output.Number(execution["counts"], "update")),
                    Output.Count(Output.Number(execution["counts"], "delete")),
                    Output.Count(Output.Number(execution["counts"], "error")),
                ]));
            return 0;
        });

        var command = new Command("executions", "Work with a sync's executions on a running server");
        command.Subcommands.Add(list);
        return command;
    }
}
