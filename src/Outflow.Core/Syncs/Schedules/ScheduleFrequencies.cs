namespace Outflow.Core.Syncs.Schedules;

/// <summary>The wire values of <c>ScheduleFrequency</c>.</summary>
public static class ScheduleFrequencies
{
    public const string Manual = "manual";
    public const string Continuous = "continuous";
    public const string Hourly = "hourly";
    public const string Daily = "daily";
    public const string Weekly = "weekly";
    public const string Custom = "custom";
    public const string Builder = "builder";
    public const string RunAfter = "runafter";
    public const string Multi = "multi";
    public const string DbtCloud = "dbtcloud";

    public static IReadOnlyList<string> All { get; } =
        [Manual, Continuous, Hourly, Daily, Weekly, Custom, Builder, RunAfter, Multi, DbtCloud];
}
