using System.CommandLine;
using Outflow.Connectors.Sqlite.Demo;

namespace Outflow.Commands;

internal static class DemoCommand
{
    public static Command Create()
    {
        var options = new ServerOptions();
        var force = new Option<bool>("--force") { Description = "Overwrite the demo databases when they exist" };
        var command = new Command(
            "demo",
            "Write the quickstart's sample databases into the files root: demo.sqlite (customers and invoices) and demo-target.sqlite (an empty table to sync into)");
        options.AddTo(command, withUrls: false);
        command.Options.Add(force);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var settings = options.Load(parseResult);
            Directory.CreateDirectory(settings.ResolvedFilesRoot);
            var written = await DemoDatabases.WriteAsync(settings.ResolvedFilesRoot, parseResult.GetValue(force), cancellationToken);
            foreach (var path in written)
            {
                Console.WriteLine($"wrote {path}");
            }

            return 0;
        });
        return command;
    }
}
