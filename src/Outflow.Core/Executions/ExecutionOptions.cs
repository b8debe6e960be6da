namespace Outflow.Core.Executions;

/// <summary>
/// Start Sync options. <see cref="Resync"/> ignores change-detection state and sends every record;
/// <see cref="Identities"/>, when set, restricts the run to those identity values.
/// </summary>
public sealed record ExecutionOptions(bool Resync = false, IReadOnlyList<string>? Identities = null, bool Test = false)
{
    public static ExecutionOptions Default { get; } = new();
}
