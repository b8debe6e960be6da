namespace Outflow.Core.Executions;

/// <summary>
/// Record tallies of an execution. <see cref="Total"/> is the number of records the execution acted on,
/// so <c>insert + update + delete + error = total</c>; <see cref="Upserts"/> counts inserts and updates
/// done by upsert (also counted in <see cref="Insert"/> or <see cref="Update"/>), and <see cref="Warnings"/>
/// counts warnings, which are not records.
/// </summary>
public sealed record ExecutionCounts(
    long Total = 0,
    long Insert = 0,
    long Update = 0,
    long Upserts = 0,
    long Delete = 0,
    long Error = 0,
    long Warnings = 0)
{
    public static ExecutionCounts Zero { get; } = new();

    public static ExecutionCounts operator +(ExecutionCounts left, ExecutionCounts right) => new(
        left.Total + right.Total,
        left.Insert + right.Insert,
        left.Update + right.Update,
        left.Upserts + right.Upserts,
        left.Delete + right.Delete,
        left.Error + right.Error,
        left.Warnings + right.Warnings);
}
