namespace Outflow.Scheduling;

/// <summary>Settings of scheduled starts.</summary>
public sealed class SyncScheduleOptions
{
    /// <summary>
    /// The minimum time between the starts of two executions of a <c>continuous</c> sync; the next one starts when the
    /// previous one ends or this long after it started, whichever is later. Default: 60 seconds.
    /// </summary>
    public TimeSpan ContinuousInterval { get; init; } = TimeSpan.FromSeconds(60);
}
