using System.CommandLine;
using Outflow.Hosting;

namespace Outflow.Commands;

internal static class MigrateCommand
{
    public static Command Create()
    {
        var options = new ServerOptions();
        var command = new Command("migrate", "Create or upgrade the store's schema, then exit");
        options.AddTo(command, withUrls: false);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            await using var store = StoreAccess.Open(options.Load(parseResult));
            await store.Maintenance.MigrateAsync(cancellationToken);
            Console.WriteLine($"The store {store.Maintenance.Describe()} is at the current schema version.");
            return 0;
        });
        return command;
    }
}
