namespace Outflow.Core.Syncs.Filtering;

/// <summary>A span of time back from an execution's start: a whole number of minutes, hours, days, weeks or months.</summary>
internal sealed record RelativePeriod(long Amount, string Unit)
{
    public static readonly string[] Units = ["minutes", "hours", "days", "weeks", "months"];

    /// <summary>Returns <paramref name="start"/> minus the period, or the earliest instant when that is out of range.</summary>
    public DateTimeOffset Before(DateTimeOffset start)
    {
        try
        {
            return Unit switch
            {
                "minutes" => start.AddMinutes(-Amount),
                "hours" => start.AddHours(-Amount),
                "days" => start.AddDays(-Amount),
                "weeks" => start.AddDays(-7 * Amount),
                _ => start.AddMonths(checked((int)-Amount)),
            };
        }
        catch (Exception exception) when (exception is ArgumentOutOfRangeException or OverflowException)
        {
            return DateTimeOffset.MinValue;
        }
    }
}
