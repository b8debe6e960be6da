namespace Outflow.Core.Executions;

/// <summary>The types of record log an execution writes, in the order in which listings return them.</summary>
public static class ExecutionLogTypes
{
    public const string Records = "records";
    public const string Inserts = "inserts";
    public const string Updates = "updates";
    public const string Deletes = "deletes";
    public const string Errors = "errors";
    public const string Warnings = "warnings";

    public static IReadOnlyList<string> All { get; } = [Records, Inserts, Updates, Deletes, Errors, Warnings];

    public static bool IsKnown(string type) => All.Contains(type, StringComparer.Ordinal);
}
