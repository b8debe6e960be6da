namespace Outflow.Scheduling;

/// <summary>Where Quartz keeps its jobs and triggers, and whether this process runs them.</summary>
public sealed class OutflowSchedulingOptions
{
    /// <summary>The database that contains Quartz's <c>qrtz_</c> tables, which the store's migrations create.</summary>
    public required SchedulingDatabase Database { get; init; }

    /// <summary>The ADO.NET connection string of that database, the same one the store uses.</summary>
    public required string ConnectionString { get; init; }

    /// <summary>
    /// Whether this process executes syncs. When false, Quartz's scheduler is built and accepts new triggers but
    /// stays in standby, so the worker processes that share the database fire them.
    /// </summary>
    public bool ExecutesJobs { get; init; } = true;

    /// <summary>
    /// How often a process that executes syncs sweeps for created or queued executions older than this interval that
    /// no Quartz trigger covers, and dispatches them. 60 seconds unless set.
    /// </summary>
    public TimeSpan RecoverySweepInterval { get; init; } = TimeSpan.FromSeconds(60);
}

/// <summary>The database kind of Quartz's persistent job store.</summary>
public enum SchedulingDatabase
{
    /// <summary>One SQLite file and one process; Quartz serializes its own writes in that process.</summary>
    Sqlite,

    /// <summary>A PostgreSQL database that several processes share, with Quartz clustered on it.</summary>
    PostgreSql,
}
