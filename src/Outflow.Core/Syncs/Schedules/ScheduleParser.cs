using System.Globalization;
using Cronos;

namespace Outflow.Core.Syncs.Schedules;

/// <summary>
/// Validates a <see cref="Schedule"/> and turns it into a <see cref="SyncSchedule"/>. Errors name the JSON path of the
/// bad part (<c>schedule.minute</c>, <c>schedule.schedules[1].hour</c>) and its value.
/// </summary>
public static class ScheduleParser
{
    public const string InvalidScheduleKey = "invalid_schedule";
    public const string UnsupportedScheduleKey = "unsupported_schedule";

    private const string InvalidFieldKey = "invalid_field";

    /// <summary>Cron fields of <c>custom</c> and <c>builder</c>, in cron order.</summary>
    private static readonly string[] CronFieldNames = ["minute", "hour", "day_of_month", "month", "day_of_week"];

    // The lowest and highest value of each cron field, in the order of CronFieldNames.
    private static readonly (int Low, int High)[] CronFieldBounds = [(0, 59), (0, 23), (1, 31), (1, 12), (0, 6)];

    /// <summary>Day names of <c>weekly</c>, indexed by cron day number (0 = Sunday).</summary>
    private static readonly string[] DayNames = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];

    /// <summary>A date from which any cron expression that can ever match has a next occurrence within Cronos's range.</summary>
    private static readonly DateTime ReachabilityStart = new(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>Parses <paramref name="schedule"/>; null and <c>{}</c> mean <c>manual</c>.</summary>
    /// <exception cref="OutflowException">
    /// An unknown frequency (invalid, HTTP 400), a missing, out-of-range or unparsable part (<c>invalid_schedule</c>),
    /// or a frequency Outflow cannot run (<c>unsupported_schedule</c>).
    /// </exception>
    public static SyncSchedule Parse(Schedule? schedule, string path = "schedule")
    {
        if (schedule is null)
        {
            return SyncSchedule.Manual;
        }

        var frequency = ReadFrequency(schedule, path);
        if (frequency == ScheduleFrequencies.Multi)
        {
            return ParseMulti(schedule, path);
        }

        return ParsePart(schedule, frequency, path);
    }

    private static string ReadFrequency(Schedule schedule, string path)
    {
        var frequency = schedule.Frequency ?? ScheduleFrequencies.Manual;
        if (!ScheduleFrequencies.All.Contains(frequency, StringComparer.Ordinal))
        {
            throw OutflowException.Invalid(
                InvalidFieldKey,
                $"{path}.frequency {frequency} is not a schedule frequency: use one of {string.Join(", ", ScheduleFrequencies.All)}",
                $"{path}.frequency",
                frequency);
        }

        return frequency;
    }

    private static SyncSchedule ParseMulti(Schedule schedule, string path)
    {
        if (schedule.Schedules is not { Count: > 0 } parts)
        {
            throw Invalid(
                $"{path}.schedules is missing or empty: a multi schedule lists at least one schedule",
                $"{path}.schedules",
                null);
        }

        var times = new List<CronExpression>();
        var runAfter = new List<RunAfterCondition>();
        for (var i = 0; i < parts.Count; i++)
        {
            var partPath = $"{path}.schedules[{i}]";
            var part = parts[i] ?? throw Invalid($"{partPath} is null: give a schedule object", partPath, null);
            var frequency = ReadFrequency(part, partPath);
            if (frequency is ScheduleFrequencies.Manual or ScheduleFrequencies.Continuous or ScheduleFrequencies.Multi)
            {
                // Manual adds no time, continuous already runs as often as it can, and nesting adds nothing to a union.
                throw Invalid(
                    $"{partPath}.frequency {frequency} cannot be part of a multi schedule: use hourly, daily, weekly, custom, builder or runafter",
                    $"{partPath}.frequency",
                    frequency);
            }

            var parsed = ParsePart(part, frequency, partPath);
            times.AddRange(parsed.Times);
            runAfter.AddRange(parsed.RunAfter);
        }

        return new SyncSchedule(false, times, runAfter);
    }

    private static SyncSchedule ParsePart(Schedule schedule, string frequency, string path) => frequency switch
    {
        ScheduleFrequencies.Manual => SyncSchedule.Manual,
        ScheduleFrequencies.Continuous => new SyncSchedule(true, [], []),
        ScheduleFrequencies.Hourly => ParseTimed(
            $"{ReadNumber(schedule.Minute, 59, path, "minute")} * * * *", path, "minute", schedule.Minute),
        ScheduleFrequencies.Daily => ParseTimed(
            $"{ReadNumber(schedule.Minute, 59, path, "minute")} {ReadNumber(schedule.Hour, 23, path, "hour")} * * *",
            path,
            "hour",
            schedule.Hour),
        ScheduleFrequencies.Weekly => ParseTimed(
            $"{ReadNumber(schedule.Minute, 59, path, "minute")} {ReadNumber(schedule.Hour, 23, path, "hour")} * * "
            + ReadDayOfWeek(schedule.DayOfWeek, path).ToString(CultureInfo.InvariantCulture),
            path,
            "day_of_week",
            schedule.DayOfWeek),
        ScheduleFrequencies.Custom or ScheduleFrequencies.Builder => ParseCron(schedule, path),
        ScheduleFrequencies.RunAfter => ParseRunAfter(schedule, path),
        _ => throw OutflowException.Unprocessable(
            UnsupportedScheduleKey,
            $"{path}.frequency {frequency} is not supported: Outflow does not follow dbt Cloud jobs; use runafter or a time-based schedule",
            $"{path}.frequency",
            frequency),
    };

    private static int ReadNumber(string? text, int max, string path, string field)
    {
        var fieldPath = $"{path}.{field}";
        if (string.IsNullOrWhiteSpace(text))
        {
            throw Invalid($"{fieldPath} is missing: give a number from 0 to {max} as a string", fieldPath, text);
        }

        var trimmed = text.Trim();
        var isNumber = trimmed.Length <= 2 && trimmed.All(char.IsAsciiDigit);
        if (!isNumber || int.Parse(trimmed, CultureInfo.InvariantCulture) > max)
        {
            throw Invalid($"{fieldPath} {text} is invalid: give a number from 0 to {max} as a string", fieldPath, text);
        }

        return int.Parse(trimmed, CultureInfo.InvariantCulture);
    }

    /// <summary>Reads a day of the week as a full or three-letter English name in any case, or a cron number from 0 to 7.</summary>
    private static int ReadDayOfWeek(string? text, string path)
    {
        var fieldPath = $"{path}.day_of_week";
        var trimmed = text?.Trim().ToLowerInvariant() ?? "";
        for (var day = 0; day < DayNames.Length; day++)
        {
            if (trimmed.Length >= 3 && (trimmed == DayNames[day] || trimmed == DayNames[day][..3]))
            {
                return day;
            }
        }

        if (trimmed.Length == 1 && char.IsAsciiDigit(trimmed[0]) && trimmed[0] <= '7')
        {
            return (trimmed[0] - '0') % 7;
        }

        throw Invalid(
            string.IsNullOrWhiteSpace(text)
                ? $"{fieldPath} is missing: give a day such as monday"
                : $"{fieldPath} {text} is invalid: give a day such as monday, or a number from 0 (Sunday) to 7 (Sunday)",
            fieldPath,
            text);
    }

    private static SyncSchedule ParseCron(Schedule schedule, string path)
    {
        string?[] values = [schedule.Minute, schedule.Hour, schedule.DayOfMonth, schedule.Month, schedule.DayOfWeek];
        var fields = new string[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            fields[i] = string.IsNullOrWhiteSpace(values[i]) ? "*" : ExpandStarsInList(values[i]!.Trim(), CronFieldBounds[i]);
            var fieldPath = $"{path}.{CronFieldNames[i]}";

            // Each field is parsed alone, with * elsewhere, so that the error names the field that is wrong.
            var alone = Enumerable.Repeat("*", values.Length).ToArray();
            alone[i] = fields[i];
            var reason = "";
            if (FindReversedRange(fields[i]) is { } reversed)
            {
                throw Invalid(
                    $"{fieldPath} {values[i]} has the range {reversed}, which ends before it starts: write the lower bound "
                    + "first, or list both parts, such as 22-23,0-2",
                    fieldPath,
                    values[i]);
            }

            if (fields[i].Any(char.IsWhiteSpace) || !TryParseCron(string.Join(' ', alone), out _, out reason))
            {
                throw Invalid(
                    $"{fieldPath} {values[i]} is not a valid cron {CronFieldNames[i].Replace('_', ' ')} field{reason}: "
                    + "use standard cron syntax such as 5, */15, 1-5 or 1,15",
                    fieldPath,
                    values[i]);
            }
        }

        if (fields[2] == "*" || fields[4] == "*")
        {
            return ParseTimed(string.Join(' ', fields), path, "day_of_month", schedule.DayOfMonth);
        }

        // Standard cron runs on a day that matches day_of_month or day_of_week when both are set, but Cronos requires
        // both to match, so the schedule becomes the union of one expression per day field.
        // Each field was valid alone, so both expressions parse. Either may never match (February 30) while the other does.
        TryParseCron($"{fields[0]} {fields[1]} {fields[2]} {fields[3]} *", out var byDayOfMonth, out _);
        TryParseCron($"{fields[0]} {fields[1]} * {fields[3]} {fields[4]}", out var byDayOfWeek, out _);
        return new SyncSchedule(false, [byDayOfMonth, byDayOfWeek], []);
    }

    /// <summary>
    /// Parses a cron expression built from valid parts and checks that it ever matches; a combination such as
    /// February 30 never does, and is reported on <paramref name="field"/>.
    /// </summary>
    private static SyncSchedule ParseTimed(string cron, string path, string field, string? value)
    {
        if (!TryParseCron(cron, out var expression, out var reason))
        {
            throw Invalid($"{path}.{field} {value} gives the cron schedule {cron}, which is invalid{reason}", $"{path}.{field}", value);
        }

        if (expression.GetNextOccurrence(ReachabilityStart) is null)
        {
            throw Invalid(
                $"{path}.{field} {value} gives the cron schedule {cron}, which never matches a date: check day_of_month and month",
                $"{path}.{field}",
                value);
        }

        return new SyncSchedule(false, [expression], []);
    }

    /// <summary>
    /// Writes <c>*</c> and <c>*/n</c> inside a list, such as <c>*/15,5</c>, as the field's whole range: standard cron
    /// accepts them there, but Cronos accepts <c>*</c> only as the whole field.
    /// </summary>
    private static string ExpandStarsInList(string field, (int Low, int High) bounds)
    {
        if (!field.Contains(',', StringComparison.Ordinal))
        {
            return field;
        }

        var items = field.Split(',');
        for (var i = 0; i < items.Length; i++)
        {
            if (items[i] == "*" || items[i].StartsWith("*/", StringComparison.Ordinal))
            {
                items[i] = $"{bounds.Low}-{bounds.High}" + items[i][1..];
            }
        }

        return string.Join(',', items);
    }

    /// <summary>
    /// Returns the first numeric range of a cron field whose start is above its end, such as <c>5-1</c>, which Cronos
    /// reads as wrapping around but standard cron rejects; null when there is none.
    /// </summary>
    private static string? FindReversedRange(string field)
    {
        foreach (var item in field.Split(','))
        {
            var range = item.Split('/')[0];
            var bounds = range.Split('-');
            if (bounds.Length == 2
                && int.TryParse(bounds[0], NumberStyles.None, CultureInfo.InvariantCulture, out var start)
                && int.TryParse(bounds[1], NumberStyles.None, CultureInfo.InvariantCulture, out var end)
                && start > end)
            {
                return range;
            }
        }

        return null;
    }

    private static bool TryParseCron(string cron, out CronExpression expression, out string reason)
    {
        try
        {
            expression = CronExpression.Parse(cron, CronFormat.Standard);
            reason = "";
            return true;
        }
        catch (CronFormatException exception)
        {
            expression = null!;
            reason = $" ({exception.Message.TrimEnd('.')})";
            return false;
        }
    }

    private static SyncSchedule ParseRunAfter(Schedule schedule, string path)
    {
        var runAfter = schedule.RunAfter;
        if (runAfter?.BulkSyncIds is { Count: > 0 } bulkSyncIds)
        {
            throw OutflowException.Unprocessable(
                UnsupportedScheduleKey,
                $"{path}.run_after.bulk_sync_ids is not supported: Outflow has no bulk syncs; list model syncs in run_after.sync_ids",
                $"{path}.run_after.bulk_sync_ids",
                bulkSyncIds[0]);
        }

        if (runAfter?.SyncIds is not { Count: > 0 } syncIds)
        {
            throw Invalid(
                $"{path}.run_after.sync_ids is missing or empty: list the ids of the syncs this sync runs after",
                $"{path}.run_after.sync_ids",
                null);
        }

        for (var i = 0; i < syncIds.Count; i++)
        {
            if (syncIds[i] == Guid.Empty)
            {
                throw Invalid(
                    $"{path}.run_after.sync_ids[{i}] is the empty UUID: give the id of one of your syncs",
                    $"{path}.run_after.sync_ids[{i}]",
                    syncIds[i]);
            }
        }

        return new SyncSchedule(false, [], [new RunAfterCondition(syncIds.Distinct().ToList(), schedule.RunAfterSuccessOnly ?? false)]);
    }

    private static OutflowException Invalid(string message, string field, object? value) =>
        OutflowException.Unprocessable(InvalidScheduleKey, message, field, value);
}
