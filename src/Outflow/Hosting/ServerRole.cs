namespace Outflow.Hosting;

/// <summary>Which parts of Outflow a server process runs.</summary>
public enum ServerRole
{
    /// <summary>API, scheduler and workers in one process (<c>outflow serve</c>), on either store.</summary>
    All,

    /// <summary>
    /// API and scheduler client (<c>outflow api</c>): it stores executions and Quartz triggers in the shared
    /// PostgreSQL store, and the worker processes run them.
    /// </summary>
    Api,

    /// <summary>Runs syncs only (<c>outflow worker</c>), with no HTTP API but <c>/healthz</c> and <c>/readyz</c>.</summary>
    Worker,
}
