using System.CommandLine;
using Outflow.Commands;

namespace Outflow;

public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var root = new RootCommand("Outflow: a self-hosted model sync engine (reverse ETL)")
        {
            ServeCommand.Create(),
            MigrateCommand.Create(),
            KeysCommand.Create(),
            DemoCommand.Create(),
        };

        try
        {
            return await root.Parse(args).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception exception) when (exception is InvalidOperationException or IOException or UnauthorizedAccessException
            or System.Data.Common.DbException)
        {
            // Expected failures (bad settings, a port in use, a file that exists, an unreachable store) get one line, not a stack trace.
            await Console.Error.WriteLineAsync($"outflow: {exception.Message}");
            return 1;
        }
    }
}
