namespace Outflow.Core.Executions;

/// <summary>Wire names of <see cref="ExecutionStatus"/> and which statuses are terminal.</summary>
public static class ExecutionStatuses
{
    private static readonly Dictionary<string, ExecutionStatus> Values =
        Enum.GetValues<ExecutionStatus>().ToDictionary(ToWire, status => status, StringComparer.Ordinal);

    /// <summary>Terminal statuses never change again: <c>completed</c>, <c>failed</c>, <c>canceled</c>, <c>interrupted</c>.</summary>
    public static IReadOnlyList<ExecutionStatus> Terminal { get; } =
        [ExecutionStatus.Completed, ExecutionStatus.Failed, ExecutionStatus.Canceled, ExecutionStatus.Interrupted];

    public static bool IsTerminal(this ExecutionStatus status) => Terminal.Contains(status);

    public static string ToWire(this ExecutionStatus status) => status.ToString().ToLowerInvariant();

    public static bool TryParse(string? text, out ExecutionStatus status) => Values.TryGetValue(text ?? "", out status);
}
