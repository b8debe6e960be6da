namespace Outflow.Core.Connectors;

/// <summary>
/// The columns a table needs for snapshot mode, which the engine fills on every row it writes: the execution
/// that wrote the copy and the time that execution started. A table without both does not offer snapshot mode.
/// </summary>
public static class SnapshotColumns
{
    public const string ExecutionId = "outflow_execution_id";

    public const string SnapshotAt = "outflow_snapshot_at";
}
