namespace Outflow.Core.Jobs;

/// <summary>Wire names of <see cref="JobStatus"/> and which statuses are final.</summary>
public static class JobStatuses
{
    private static readonly Dictionary<string, JobStatus> Values =
        Enum.GetValues<JobStatus>().ToDictionary(ToWire, status => status, StringComparer.Ordinal);

    public static bool IsFinished(this JobStatus status) => status is JobStatus.Done or JobStatus.Failed;

    public static string ToWire(this JobStatus status) => status.ToString().ToLowerInvariant();

    public static bool TryParse(string? text, out JobStatus status) => Values.TryGetValue(text ?? "", out status);
}
