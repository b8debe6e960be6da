using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Outflow.Hosting;

/// <summary>
/// Reads <see cref="ServerSettings"/> from <c>appsettings.json</c> in the working directory and from
/// environment variables prefixed <c>OUTFLOW_</c>. Both use the variable names without the prefix as keys
/// (<c>DATA_DIR</c>, <c>URLS</c>, <c>STORE</c>, <c>FILES_ROOT</c>, <c>BOOTSTRAP_KEY</c>, <c>MASTER_KEY</c>,
/// <c>LOG_URL_LIFETIME_SECONDS</c>, <c>RATE_LIMIT_PER_SECOND</c>, <c>RATE_LIMIT_BURST</c>,
/// <c>IDEMPOTENCY_KEY_LIFETIME_HOURS</c>, <c>CONTINUOUS_INTERVAL_SECONDS</c>, <c>EXECUTION_LEASE_SECONDS</c>,
/// <c>CHECKPOINT_SECONDS</c>, <c>ALLOW_PRIVATE_NETWORKS</c>, <c>CRASH_POINT</c>).
/// </summary>
internal static class SettingsLoader
{
    /// <summary>The longest execution lease, an hour: a dead worker's execution waits this long before another takes it over.</summary>
    private const int MaximumLeaseSeconds = 3600;

    /// <summary>The longest time between two sweeps for executions that no trigger covers, a day.</summary>
    private const int MaximumSweepSeconds = 86_400;

    /// <summary>The maximum wait of written batches for their checkpoint, ten minutes: a crash makes them be written again.</summary>
    private const int MaximumCheckpointSeconds = 600;

    public static ServerSettings Load(string? dataDirectory = null, string? urls = null, string? store = null, string? filesRoot = null)
    {
        var configuration = new ConfigurationBuilder()
            .SetBasePath(Directory.GetCurrentDirectory())
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables("OUTFLOW_")
            .Build();

        var defaults = new ServerSettings();
        var (rateLimit, burst) = ReadRateLimit(configuration, defaults);
        return new ServerSettings
        {
            DataDirectory = dataDirectory ?? configuration["DATA_DIR"] ?? defaults.DataDirectory,
            Urls = urls ?? configuration["URLS"] ?? defaults.Urls,
            Store = store ?? configuration["STORE"] ?? defaults.Store,
            FilesRoot = filesRoot ?? configuration["FILES_ROOT"],
            AllowPrivateNetworks = ReadBoolean(configuration, "ALLOW_PRIVATE_NETWORKS") ?? defaults.AllowPrivateNetworks,
            BootstrapKey = configuration["BOOTSTRAP_KEY"],
            MasterKey = configuration["MASTER_KEY"],
            LogUrlLifetime = ReadLogUrlLifetime(configuration["LOG_URL_LIFETIME_SECONDS"]) ?? defaults.LogUrlLifetime,
            RateLimitPerSecond = rateLimit,
            RateLimitBurst = burst,
            IdempotencyKeyLifetime = ReadWholeNumber(configuration, "IDEMPOTENCY_KEY_LIFETIME_HOURS", "hours", 1) is int hours
                ? TimeSpan.FromHours(hours)
                : defaults.IdempotencyKeyLifetime,
            ContinuousInterval = ReadWholeNumber(configuration, "CONTINUOUS_INTERVAL_SECONDS", "seconds", 1) is int seconds
                ? TimeSpan.FromSeconds(seconds)
                : defaults.ContinuousInterval,

            // Renewals come every third of the lease, so below 3 s they would come more than once a second.
            ExecutionLease = ReadWholeNumber(configuration, "EXECUTION_LEASE_SECONDS", "seconds", 3, MaximumLeaseSeconds) is int leaseSeconds
                ? TimeSpan.FromSeconds(leaseSeconds)
                : defaults.ExecutionLease,

            CheckpointInterval = ReadWholeNumber(configuration, "CHECKPOINT_SECONDS", "seconds", 0, MaximumCheckpointSeconds) is int checkpointSeconds
                ? TimeSpan.FromSeconds(checkpointSeconds)
                : defaults.CheckpointInterval,

            RecoverySweepInterval = ReadWholeNumber(configuration, "RECOVERY_SWEEP_INTERVAL_SECONDS", "seconds", 1, MaximumSweepSeconds) is int sweepSeconds
                ? TimeSpan.FromSeconds(sweepSeconds)
                : defaults.RecoverySweepInterval,
            CrashPoint = configuration["CRASH_POINT"],
        };
    }

    private static (int RateLimit, int Burst) ReadRateLimit(IConfiguration configuration, ServerSettings defaults)
    {
        var rateLimit = ReadWholeNumber(configuration, "RATE_LIMIT_PER_SECOND", "requests per second", 0) ?? defaults.RateLimitPerSecond;

        // Without an explicit burst, the burst is twice the rate, as in the defaults, so that changing only the rate works.
        var burst = ReadWholeNumber(configuration, "RATE_LIMIT_BURST", "requests", 1) ?? Math.Max(2 * rateLimit, 1);
        if (rateLimit > 0 && burst < rateLimit)
        {
            throw new InvalidOperationException(
                $"RATE_LIMIT_BURST ({burst}) must be at least RATE_LIMIT_PER_SECOND ({rateLimit}), because a smaller bucket caps the rate at the burst; "
                + "fix it in appsettings.json or OUTFLOW_RATE_LIMIT_BURST");
        }

        return (rateLimit, burst);
    }

    private static int? ReadWholeNumber(IConfiguration configuration, string name, string unit, int minimum, int maximum = int.MaxValue)
    {
        var text = configuration[name];
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < minimum || value > maximum)
        {
            var range = maximum == int.MaxValue ? $"of at least {minimum}" : $"from {minimum} to {maximum}";
            throw new InvalidOperationException(
                $"{name} must be a whole number of {unit} {range}, got \"{text}\"; fix it in appsettings.json or OUTFLOW_{name}");
        }

        return value;
    }

    private static bool? ReadBoolean(IConfiguration configuration, string name)
    {
        var text = configuration[name];
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (!bool.TryParse(text.Trim(), out var value))
        {
            throw new InvalidOperationException(
                $"{name} must be true or false, got \"{text}\"; fix it in appsettings.json or OUTFLOW_{name}");
        }

        return value;
    }

    private static TimeSpan? ReadLogUrlLifetime(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds < 1)
        {
            throw new InvalidOperationException(
                $"LOG_URL_LIFETIME_SECONDS must be a whole number of seconds of at least 1, got \"{text}\"; fix it in appsettings.json or OUTFLOW_LOG_URL_LIFETIME_SECONDS");
        }

        return TimeSpan.FromSeconds(seconds);
    }
}
