using System.Diagnostics;

namespace Outflow.Bench;

/// <summary>Progress lines on stderr, each with the seconds since the harness started, so stdout holds only the JSON.</summary>
internal static class Progress
{
    private static readonly Stopwatch Clock = Stopwatch.StartNew();

    public static TimeSpan Elapsed => Clock.Elapsed;

    public static void Write(string message) => Console.Error.WriteLine($"[{Clock.Elapsed.TotalSeconds,7:F1} s] {message}");
}
