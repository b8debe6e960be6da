using Microsoft.Extensions.DependencyInjection;
using Outflow.Core.Executions;
using Outflow.Scheduling;
using Quartz;

namespace Microsoft.Extensions.Hosting;

public static class SchedulingHostApplicationBuilderExtensions
{
    /// <summary>
    /// Adds Quartz.NET as the dispatcher of executions, one job per sync, the recovery of executions
    /// left unfinished by a previous process, and the removal of log files of deleted executions.
    /// </summary>
    public static IHostApplicationBuilder AddOutflowScheduling(this IHostApplicationBuilder builder)
    {
        // TODO: the embedded mode keeps Quartz's jobs in memory. Schedules need Quartz's persistent job
        // store in the same database, so that a restart neither loses nor doubles a scheduled run.
        builder.AddQuartz(quartz => quartz.UseInMemoryStore());
        builder.AddQuartzHostedService(options => options.WaitForJobsToComplete = true);
        builder.Services.AddSingleton<IExecutionDispatcher, QuartzExecutionDispatcher>();
        builder.Services.AddHostedService<ExecutionRecoveryService>();
        builder.Services.AddHostedService<LogCleanupService>();
        return builder;
    }
}
