namespace Outflow.Core.Executions;

/// <summary>What started an execution (the wire's execution <c>type</c>).</summary>
public static class ExecutionTypes
{
    public const string Manual = "manual";
    public const string Scheduled = "scheduled";
    public const string Test = "test";
    public const string DryRun = "dry_run";
}
