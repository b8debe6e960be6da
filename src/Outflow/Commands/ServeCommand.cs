using System.CommandLine;
using Outflow.Hosting;

namespace Outflow.Commands;

internal static class ServeCommand
{
    public static Command Create()
    {
        var options = new ServerOptions();
        var command = new Command("serve", "Run the API, the scheduler and the workers in one process");
        options.AddTo(command, withUrls: true);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            await using var server = await OutflowServer.StartAsync(options.Load(parseResult), cancellationToken);
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
