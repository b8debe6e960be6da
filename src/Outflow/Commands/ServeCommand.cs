using System.CommandLine;
using Outflow.Hosting;

namespace Outflow.Commands;

/// <summary>The commands that run a server: <c>serve</c>, and <c>api</c> and <c>worker</c> for the distributed mode.</summary>
internal static class ServeCommand
{
    public static Command Create() =>
        CreateServer("serve", "Run the API, the scheduler and the workers in one process", ServerRole.All);

    public static Command CreateApi() => CreateServer(
        "api",
        "Run the API and schedule executions in a shared PostgreSQL store, for outflow worker processes to run",
        ServerRole.Api);

    public static Command CreateWorker() => CreateServer(
        "worker",
        "Run syncs scheduled in a shared PostgreSQL store; serves only /healthz and /readyz on --urls",
        ServerRole.Worker);

    private static Command CreateServer(string name, string description, ServerRole role)
    {
        var options = new ServerOptions();
        var command = new Command(name, description);
        options.AddTo(command, withUrls: true);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            await using var server = await OutflowServer.StartAsync(options.Load(parseResult), role, cancellationToken);
            if (server.GeneratedAdminKey is not null)
            {
                Console.WriteLine();
                Console.WriteLine("Created organization \"default\" with this admin API key. It is shown only once:");
                Console.WriteLine();
                Console.WriteLine($"    {server.GeneratedAdminKey}");
                Console.WriteLine();
            }

            await server.Application.WaitForShutdownAsync(cancellationToken);
            return 0;
        });
        return command;
    }
}
