namespace Outflow.Api.Logs;

/// <summary>Settings of the signed log download URLs that Get Execution Log Urls and Get Execution Log return.</summary>
public sealed class LogDownloadOptions
{
    public static readonly TimeSpan DefaultUrlLifetime = TimeSpan.FromMinutes(15);

    /// <summary>How long a signed URL stays valid after it is issued, rounded up to whole seconds.</summary>
    public TimeSpan UrlLifetime { get; init; } = DefaultUrlLifetime;
}
