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
    /// How often a clustered node records that it is alive. Together with <see cref="ClusterCheckinMisfireThreshold"/>
    /// it bounds how long a dead worker's execution waits before another node takes it over: at most
    /// 7.5 + 15 = 22.5 seconds after its last check-in, plus one check-in of the node that recovers it.
    /// </summary>
    public static readonly TimeSpan ClusterCheckinInterval = TimeSpan.FromSeconds(7.5);

    /// <summary>
    /// How long past a missed check-in the other nodes wait before they treat a node as dead. It must exceed the
    /// longest pause a live node can take (a garbage collection, a database failover), or Quartz recovers work
    /// that is still running.
    /// </summary>
    public static readonly TimeSpan ClusterCheckinMisfireThreshold = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How long an idle clustered node waits before it polls the store for due triggers again, which bounds how long a
    /// manual start waits for a worker.
    /// </summary>
    public static readonly TimeSpan ClusterIdleWaitTime = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Adds Quartz.NET as the dispatcher of executions, one job per sync, with its persistent job store in the
    /// store's database. Also adds the recovery of executions that no Quartz trigger covers, the triggers of sync
    /// schedules, and the removal of log files of deleted executions. Register a <see cref="SyncScheduleOptions"/>
    /// first to change the schedule defaults.
    /// </summary>
    public static IHostApplicationBuilder AddOutflowScheduling(this IHostApplicationBuilder builder, OutflowSchedulingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        builder.AddQuartz(quartz =>
        {
            quartz.ConfigureScheduler(scheduler =>
            {
                // Every process sharing a database must use one scheduler name (SCHED_NAME), because Quartz keys its rows by it.
                scheduler.InstanceName = "outflow";

                // Jobs see the shutdown through their cancellation token too, and hand their execution back.
                scheduler.ShutdownJobInterruption = ShutdownJobInterruption.WhenWaitingForJobs;

                // A node learns of a trigger that another process stored, such as a Start Sync through the api process,
                // only when it next polls the store, after 30 seconds by default when it has nothing to fire.
                if (options.Database == SchedulingDatabase.PostgreSql)
                {
                    scheduler.IdleWaitTime = ClusterIdleWaitTime;
                }
            });
            quartz.UsePersistentStore(store =>
            {
                store.UseSystemTextJsonSerializer();
                store.ConfigureStore(ado =>
                {
                    ado.TablePrefix = "qrtz_";
                    ado.StoreJobDataAsStrings = true;
                });
                if (options.Database == SchedulingDatabase.Sqlite)
                {
                    // Quartz detects SQLite and serializes its own operations in process with SqliteLockHandler,
                    // because SQLite has one writer and no row locks. The store's file is already in WAL mode.
                    store.UseSqlite(options.ConnectionString);
                }
                else
                {
                    store.UsePostgres(options.ConnectionString);
                    store.UseClustering(cluster =>
                    {
                        cluster.CheckinInterval = ClusterCheckinInterval;
                        cluster.CheckinMisfireThreshold = ClusterCheckinMisfireThreshold;
                    });
                }
            });
        });
        builder.AddQuartzHostedService(hosted =>
        {
            hosted.WaitForJobsToComplete = true;
            hosted.AutoStart = options.ExecutesJobs;
        });

        // The host stops hosted services in reverse order of registration, so the drain, registered after Quartz's
        // hosted service, stops first and lets running jobs hand their executions back to a scheduler that still runs.
        builder.Services.AddSingleton<RunningJobs>();
        builder.Services.AddHostedService<ExecutionDrainService>();
        builder.Services.AddSingleton(options);
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
