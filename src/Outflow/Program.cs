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
        return await root.Parse(args).InvokeAsync();
    }
}
