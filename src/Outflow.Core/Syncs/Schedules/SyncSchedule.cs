using Cronos;

namespace Outflow.Core.Syncs.Schedules;

/// <summary>
/// A validated <see cref="Schedule"/> in the form the scheduler uses: cron expressions for the time-based parts,
/// run-after conditions and the continuous flag. A <c>multi</c> schedule unites the parts of its schedules.
/// Every time is UTC.
/// </summary>
public sealed class SyncSchedule
{
    public static readonly SyncSchedule Manual = new(false, [], []);

    internal SyncSchedule(bool continuous, IReadOnlyList<CronExpression> times, IReadOnlyList<RunAfterCondition> runAfter)
    {
        IsContinuous = continuous;
        Times = times;
        RunAfter = runAfter;
    }

    /// <summary>True for <c>continuous</c>: a new execution as soon as the previous one ends, at most once per interval.</summary>
    public bool IsContinuous { get; }

    /// <summary>The cron expressions of the time-based parts (<c>hourly</c>, <c>daily</c>, <c>weekly</c>, <c>custom</c>, <c>builder</c>).</summary>
    public IReadOnlyList<CronExpression> Times { get; }

    /// <summary>The <c>runafter</c> parts; each one starts the sync when its own condition holds.</summary>
    public IReadOnlyList<RunAfterCondition> RunAfter { get; }

    /// <summary>True when only Start Sync starts the sync.</summary>
    public bool IsManual => !IsContinuous && Times.Count == 0 && RunAfter.Count == 0;

    /// <summary>
    /// Returns the earliest time-based occurrence strictly after <paramref name="after"/>, in UTC, or null when the
    /// schedule has no time-based part.
    /// </summary>
    public DateTimeOffset? GetNextOccurrence(DateTimeOffset after)
    {
        DateTimeOffset? next = null;
        foreach (var expression in Times)
        {
            var occurrence = expression.GetNextOccurrence(after, TimeZoneInfo.Utc, inclusive: false);
            if (occurrence is { } value && (next is null || value < next))
            {
                next = value;
            }
        }

        return next;
    }

    /// <summary>Returns the run-after conditions that list <paramref name="syncId"/> as an upstream sync.</summary>
    public IEnumerable<RunAfterCondition> ConditionsAfter(Guid syncId) =>
        RunAfter.Where(condition => condition.SyncIds.Contains(syncId));

    /// <summary>Returns every upstream sync id of every run-after part, each once.</summary>
    public IEnumerable<Guid> UpstreamSyncIds() => RunAfter.SelectMany(condition => condition.SyncIds).Distinct();
}

/// <summary>
/// One <c>runafter</c> part: start the sync once every sync in <see cref="SyncIds"/> has finished an execution since
/// the sync last ran, and with <see cref="SuccessOnly"/> only when each of those executions completed.
/// </summary>
public sealed record RunAfterCondition(IReadOnlyList<Guid> SyncIds, bool SuccessOnly);
