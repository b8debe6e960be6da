namespace Outflow.Engine.Tests.Running;

/// <summary>The rows a target table's triggers saw inserted, updated and deleted.</summary>
internal sealed record TargetWrites(long Inserts, long Updates, long Deletes)
{
    public static TargetWrites None { get; } = new(0, 0, 0);
}
