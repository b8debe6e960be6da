using System.CommandLine;
using Outflow.Client;
using Outflow.Commands;

namespace Outflow;

public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var root = new RootCommand("Outflow: a self-hosted model sync engine (reverse ETL)")
        {
            ServeCommand.Create(),
            ServeCommand.CreateApi(),
            ServeCommand.CreateWorker(),
            MigrateCommand.Create(),
            KeysCommand.Create(),
            DemoCommand.Create(),
            SyncsCommand.Create(),
            ExecutionsCommand.Create(),
        };

        try
        {
            // System.CommandLine would end the process 2 seconds after SIGTERM or Ctrl+C, which cuts the servers'
            // graceful shutdown short, so the host's own lifetime handles those signals instead.
            var configuration = new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null };
            return await root.Parse(args).InvokeAsync(configuration);
        }
        catch (Exception exception) when (exception is ClientException or InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            // Expected failures (bad settings, a port in use, a file that exists) get one line, not a stack trace.
            await Console.Error.WriteLineAsync($"outflow: {exception.Message}");
            return 1;
        }
        catch (System.Data.Common.DbException exception)
        {
            // Npgsql and SQLite error messages do not include the connection string, so the password stays out.
            await Console.Error.WriteLineAsync(
                $"outflow: the metadata store failed: {exception.Message}. Check that the database server is running "
                + "and that --store (OUTFLOW_STORE) names it with the right credentials.");
            return 1;
        }
    }
}
