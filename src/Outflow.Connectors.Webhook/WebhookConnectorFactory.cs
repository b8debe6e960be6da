using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Outflow.Core.Connectors;

namespace Outflow.Connectors.Webhook;

/// <summary>The <c>webhook</c> connection type: JSON batches POSTed to a URL, as a sync target only.</summary>
public sealed class WebhookConnectorFactory : IConnectorFactory, IDisposable
{
    public const string TypeId = "webhook";

    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly WebhookRetryPolicy _policy;
    private readonly WebhookRateLimiters _limiters;
    private readonly Lazy<SocketsHttpHandler> _guardedHandler = new(() => WebhookHttp.CreateHandler(allowPrivateNetworks: false));
    private readonly Lazy<SocketsHttpHandler> _openHandler = new(() => WebhookHttp.CreateHandler(allowPrivateNetworks: true));

    public WebhookConnectorFactory(ILogger<WebhookConnectorFactory>? logger = null, TimeProvider? time = null)
        : this(logger, time, WebhookRetryPolicy.Default)
    {
    }

    internal WebhookConnectorFactory(ILogger? logger, TimeProvider? time, WebhookRetryPolicy policy)
    {
        _logger = logger ?? NullLogger<WebhookConnectorFactory>.Instance;
        _time = time ?? TimeProvider.System;
        _policy = policy;
        _limiters = new WebhookRateLimiters(_time);
    }

    public ConnectionTypeInfo Info { get; } = new(
        TypeId,
        "Webhook",
        IsSource: false,
        IsTarget: true,
        [
            new ConfigurationField("url", "string", "The http or https URL that receives each batch as a JSON POST", Required: true),
            new ConfigurationField("headers", "object", "HTTP headers sent with every request, such as Authorization, as a map of names to values", Secret: true),
            new ConfigurationField(
                "batch_size", "integer", $"Records per request, from 1 to {WebhookSettings.MaxBatchSize}", Default: WebhookSettings.DefaultBatchSize),
            new ConfigurationField(
                "max_requests_per_second", "number",
                $"Requests per second, from {WebhookSettings.MinRate} to {WebhookSettings.MaxRate}: each request waits 1/rate seconds after the latest request this server process sent to the URL; no limit when absent"),
        ]);

    public IReadOnlyList<ConfigurationProblem> Validate(JsonObject configuration, ConnectorEnvironment environment)
    {
        var problems = new List<ConfigurationProblem>();
        WebhookSettings.Parse(configuration, environment, problems);
        return problems;
    }

    /// <summary>
    /// Sends a HEAD request to the URL: any HTTP response, whatever its status, shows that the receiver is reachable
    /// and passes the address check. No records are sent.
    /// </summary>
    public async Task TestAsync(JsonObject configuration, ConnectorEnvironment environment, CancellationToken cancellationToken)
    {
        var settings = ParseOrThrow(configuration, environment);
        using var client = new HttpClient(HandlerFor(environment), disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
        using var timeout = new CancellationTokenSource(_policy.RequestTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        using var request = new HttpRequestMessage(HttpMethod.Head, settings.Url);
        foreach (var (name, value) in settings.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        try
        {
            using var response = await client.SendAsync(request, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException exception) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new ConnectorException(
                $"the webhook at {settings.Url.Authority} did not respond within {_policy.RequestTimeout.TotalSeconds:0} s", isTransient: true, exception);
        }
        catch (HttpRequestException exception)
        {
            throw WebhookHttp.ToConnectorException(exception, $"connecting to the webhook at {settings.Url.Authority}");
        }
    }

    public ISourceConnector CreateSource(JsonObject configuration, ConnectorEnvironment environment) =>
        throw new NotSupportedException("a webhook connection can only be a sync target");

    public ITargetConnector CreateTarget(JsonObject configuration, ConnectorEnvironment environment) =>
        new WebhookTargetConnector(
            ParseOrThrow(configuration, environment), HandlerFor(environment), _limiters, _policy, _time, _logger);

    public void Dispose()
    {
        if (_guardedHandler.IsValueCreated)
        {
            _guardedHandler.Value.Dispose();
        }

        if (_openHandler.IsValueCreated)
        {
            _openHandler.Value.Dispose();
        }
    }

    private SocketsHttpHandler HandlerFor(ConnectorEnvironment environment) =>
        environment.AllowPrivateNetworks ? _openHandler.Value : _guardedHandler.Value;

    private static WebhookSettings ParseOrThrow(JsonObject configuration, ConnectorEnvironment environment)
    {
        var problems = new List<ConfigurationProblem>();
        return WebhookSettings.Parse(configuration, environment, problems)
            ?? throw new ConnectorException(
                "the webhook connection configuration is invalid: " + string.Join(" ", problems.Select(p => p.Message)));
    }
}
