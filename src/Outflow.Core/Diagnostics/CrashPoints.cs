using System.Diagnostics;
using System.Globalization;

namespace Outflow.Core.Diagnostics;

/// <summary>
/// Named points at the commit boundaries of an execution where the process can kill itself with SIGKILL, so that
/// tests can check recovery from a crash at exactly that point. Off unless <see cref="Arm"/> names a point, which the
/// server does once at start from the <c>OUTFLOW_CRASH_POINT</c> setting. For testing only.
/// </summary>
public static class CrashPoints
{
    /// <summary>After the target confirmed a batch write, before the checkpoint of that write starts.</summary>
    public const string AfterTargetWrite = "after-target-write";

    /// <summary>Inside the store transaction of a checkpoint, after its writes and before its commit.</summary>
    public const string CheckpointBeforeCommit = "checkpoint-before-commit";

    private static readonly string[] Names = [AfterTargetWrite, CheckpointBeforeCommit];

    private static string? _point;
    private static int _occurrence;
    private static int _reached;

    /// <summary>The armed point as <c>NAME:OCCURRENCE</c>, or null when none is armed.</summary>
    public static string? Armed => _point is null ? null : $"{_point}:{_occurrence.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>
    /// Arms the point that <paramref name="setting"/> names as <c>NAME</c> or <c>NAME:OCCURRENCE</c>: the process kills
    /// itself the OCCURRENCE-th time (default 1), counted from process start, that it reaches the point NAME. Null or
    /// blank arms nothing. Call it once, before any execution runs.
    /// </summary>
    /// <exception cref="FormatException">The setting names an unknown point or an occurrence that is not a whole number of at least 1.</exception>
    public static void Arm(string? setting)
    {
        if (string.IsNullOrWhiteSpace(setting))
        {
            return;
        }

        var parts = setting.Trim().Split(':');
        var occurrence = 1;
        if (parts.Length > 2
            || !Names.Contains(parts[0], StringComparer.Ordinal)
            || (parts.Length == 2
                && (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out occurrence) || occurrence < 1)))
        {
            throw new FormatException(
                $"CRASH_POINT must be NAME or NAME:OCCURRENCE with NAME one of {string.Join(", ", Names)} and OCCURRENCE a "
                + $"whole number of at least 1, got \"{setting}\"; fix or unset OUTFLOW_CRASH_POINT");
        }

        _occurrence = occurrence;
        _reached = 0;
        _point = parts[0];
    }

    /// <summary>
    /// Kills the process with SIGKILL, which runs no finally block and flushes nothing, when <paramref name="point"/> is
    /// the armed point and this is its armed occurrence. Without an armed point it only reads one static field.
    /// </summary>
    public static void Reach(string point)
    {
        if (_point is null || !string.Equals(_point, point, StringComparison.Ordinal))
        {
            return;
        }

        if (Interlocked.Increment(ref _reached) == _occurrence)
        {
            using var self = Process.GetCurrentProcess();
            self.Kill();

            // The signal may arrive a moment after kill returns, so this thread stops here until it does.
            Thread.Sleep(Timeout.Infinite);
        }
    }
}
