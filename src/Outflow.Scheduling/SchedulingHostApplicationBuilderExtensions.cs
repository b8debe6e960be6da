using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Outflow.Core.Executions;
using Outflow.Core.Syncs.Schedules;
using Outflow.Scheduling;
using Quartz;

namespace Microsoft.Extensions.Hosting;

public static class SchedulingHostApplicationBuilderExtensions
{
    /// <summary>
    /// Adds Quartz.NET as the dispatcher of executions, one job per sync, the recovery of executions
    /// left unfinished by a previous process, the triggers of sync schedules, and the removal of log files of
    /// deleted executions. Register a <see cref="SyncScheduleOptions"/> first to change the defaults.
    /// </summary>
    public static IHostApplicationBuilder AddOutflowScheduling(this IHostApplicationBuilder builder)
    {
        // TODO: the embedded mode keeps Quartz's jobs in memory. Schedules need Quartz's persistent job
        // store in the same database, so that a restart neither loses nor doubles a scheduled run.
        builder.AddQuartz(quartz => quartz.UseInMemoryStore());
        builder.AddQuartzHostedService(options => options.WaitForJobsToComplete = true);
        builder.Services.AddSingleton<IExecutionDispatcher, QuartzExecutionDispatcher>();
        builder.Services.TryAddSingleton(new SyncScheduleOptions());
        builder.Services.AddSingleton<QuartzSyncScheduler>();
        builder.Services.AddSingleton<ISyncScheduler>(services => services.GetRequiredService<QuartzSyncScheduler>());
        builder.Services.AddSingleton<ScheduledExecutionStarter>();
        builder.Services.AddSingleton<ExecutionFollowUps>();
        builder.Services.AddHostedService<ScheduleReconciliationService>();
        builder.Services.AddHostedService<ExecutionRecoveryService>();
        builder.Services.AddHostedService<LogCleanupService>();
        return builder;
    }
}
