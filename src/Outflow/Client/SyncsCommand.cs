using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;

namespace Outflow.Client;

/// <summary><c>outflow syncs list</c> and <c>outflow syncs run SYNC_ID</c>.</summary>
internal static class SyncsCommand
{
    public static Command Create()
    {
        var command = new Command("syncs", "Work with the syncs of a running server");
        command.Subcommands.Add(CreateList());
        command.Subcommands.Add(CreateRun());
        return command;
    }

    private static Command CreateList()
    {
        var options = new ClientOptions();
        var list = new Command("list", "List the organization's syncs with their last execution and next scheduled start");
        options.AddTo(list);
        list.SetAction(async (parseResult, cancellationToken) =>
        {
            using var client = options.CreateClient(parseResult);
            var syncs = await client.ListAsync("api/syncs", int.MaxValue, cancellationToken);
            foreach (var sync in syncs)
            {
                // One request per sync: the list route does not carry execution status.
                var id = Uri.EscapeDataString(Output.Text(sync, "id") ?? "");
                sync["status"] = (await client.GetDataAsync($"api/syncs/{id}/status", cancellationToken)).DeepClone();
            }

            if (parseResult.GetValue(options.Json))
            {
                Output.WriteJson(new JsonArray([.. syncs]));
                return 0;
            }

            Output.WriteTable(
                ["ID", "NAME", "MODE", "ACTIVE", "STATUS", "LAST COMPLETED", "NEXT RUN"],
                syncs.Select(sync =>
                {
                    var status = sync["status"];
                    var current = status?["current_execution"];
                    var last = status?["last_execution"];
                    return (IReadOnlyList<string?>)
                    [
                        Output.Text(sync, "id"),
                        Output.Text(sync, "name"),
                        Output.Text(sync, "mode"),
                        sync["active"]?.GetValue<bool>() == true ? "yes" : "no",
                        Output.Text(current, "status") ?? Output.Text(last, "status"),
                        Output.Time(last?["completed_at"]),
                        Output.Time(status?["next_execution_time"]),
                    ];
                }));
            return 0;
        });
        return list;
    }

    private static Command CreateRun()
    {
        var options = new ClientOptions();
        var syncId = new Argument<string>("SYNC_ID") { Description = "The sync to run" };
        var resync = new Option<bool>("--resync")
        {
            Description = "Write every row again, ignoring what earlier executions wrote",
        };
        var detach = new Option<bool>("--detach")
        {
            Description = "Print the new execution's id and exit without waiting for it",
        };

        var run = new Command(
            "run",
            "Start an execution of a sync and follow it until it ends. Exits with 0 when it completed, 1 when it failed, " +
            "was canceled or was interrupted");
        run.Arguments.Add(syncId);
        run.Options.Add(resync);
        run.Options.Add(detach);
        options.AddTo(run);
        run.SetAction(async (parseResult, cancellationToken) =>
        {
            using var client = options.CreateClient(parseResult);
            var id = parseResult.GetRequiredValue(syncId);
            var json = parseResult.GetValue(options.Json);
            var body = new JsonObject();
            if (parseResult.GetValue(resync))
            {
                body["resync"] = true;
            }

            var started = await client.PostDataAsync($"api/syncs/{Uri.EscapeDataString(id)}/executions", body, cancellationToken);
            var executionId = Output.Text(started, "id")
                ?? throw new ClientException($"the server started an execution of sync {id} but returned no execution id");
            if (parseResult.GetValue(detach))
            {
                Console.Out.WriteLine(json ? started.ToJsonString() : executionId);
                return 0;
            }

            if (!json)
            {
                await Console.Error.WriteLineAsync($"Started execution {executionId} of sync {id}");
            }

            // Ctrl+C stops following: the execution runs on the server, which a client cannot stop by leaving.
            using var interrupt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            ConsoleCancelEventHandler onCancel = (_, args) =>
            {
                args.Cancel = true;
                interrupt.Cancel();
            };
            Console.CancelKeyPress += onCancel;
            var follower = new ExecutionFollower(client, id, executionId);
            JsonNode execution;
            try
            {
                execution = json
                    ? await follower.WaitAsync(interrupt.Token)
                    : Console.IsErrorRedirected
                        ? await follower.ShowLogAsync(interrupt.Token)
                        : await follower.ShowProgressAsync(interrupt.Token);
            }
            catch (OperationCanceledException) when (interrupt.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                await Console.Error.WriteLineAsync(
                    $"Stopped following execution {executionId}, which keeps running on the server. See it with " +
                    $"`outflow executions list {id}`, or cancel it with POST /api/syncs/{id}/cancel.");
                return 130;
            }
            finally
            {
                Console.CancelKeyPress -= onCancel;
            }

            if (json)
            {
                Output.WriteJson(execution);
            }
            else
            {
                WriteSummary(id, execution);
            }

            return Output.Text(execution, "status") == "completed" ? 0 : 1;
        });
        return run;
    }

    private static void WriteSummary(string syncId, JsonNode execution)
    {
        var status = Output.Text(execution, "status");
        var started = execution["started_at"] is { } start ? DateTimeOffset.Parse(start.GetValue<string>(), CultureInfo.InvariantCulture) : (DateTimeOffset?)null;
        var completed = execution["completed_at"] is { } end ? DateTimeOffset.Parse(end.GetValue<string>(), CultureInfo.InvariantCulture) : (DateTimeOffset?)null;
        var duration = started is not null && completed is not null
            ? FormattableString.Invariant($" in {(completed.Value - started.Value).TotalSeconds:0.0} s")
            : "";
        Console.Out.WriteLine($"Execution {Output.Text(execution, "id")} {status}{duration}: {Output.Counts(execution["counts"])}");
        foreach (var error in execution["errors"]?.AsArray().OfType<JsonNode>() ?? [])
        {
            Console.Out.WriteLine($"  error: {error.GetValue<string>()}");
        }

        if (Output.Number(execution["counts"], "error") > 0)
        {
            Console.Out.WriteLine(
                $"  The rejected records are in the execution's errors log: GET /api/syncs/{syncId}/executions/{Output.Text(execution, "id")}/errors");
        }
    }
}
