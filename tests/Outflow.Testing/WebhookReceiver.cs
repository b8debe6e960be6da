using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Outflow.Testing;

/// <summary>
/// A webhook receiver on 127.0.0.1 (Kestrel, a free port) for connector tests. Each request takes the next step of
/// <see cref="Script"/>: respond with a status (and a Retry-After), or reset the connection. With no step left it
/// returns 200 and rejects, in its results, the records whose identity is in <see cref="RejectedIdentities"/>.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _application;
    private readonly ConcurrentQueue<ReceivedRequest> _requests = new();

    private WebhookReceiver(WebApplication application)
    {
        _application = application;
    }

    public Uri Url { get; private set; } = null!;

    public ConcurrentQueue<ReceiverStep> Script { get; } = new();

    /// <summary>Identities, as compact JSON text (<c>7</c>, <c>"a"</c>), that every 200 response rejects.</summary>
    public ConcurrentDictionary<string, string> RejectedIdentities { get; } = new(StringComparer.Ordinal);

    /// <summary>Result entries that every 200 response returns as they are, after the rejections.</summary>
    public ConcurrentQueue<JsonObject> ExtraResults { get; } = new();

    public IReadOnlyList<ReceivedRequest> Requests => [.. _requests];

    public static async Task<WebhookReceiver> StartAsync(string path = "/hook")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var application = builder.Build();
        var receiver = new WebhookReceiver(application);
        application.MapPost(path, receiver.HandleAsync);
        application.MapMethods(path, ["HEAD"], () => Results.Ok());
        await application.StartAsync().ConfigureAwait(false);
        var address = application.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Url = new Uri(new Uri(address), path);
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _application.StopAsync().ConfigureAwait(false);
        await _application.DisposeAsync().ConfigureAwait(false);
    }

    private async Task HandleAsync(HttpContext context)
    {
        var received = TimeProvider.System.GetTimestamp();
        using var reader = new StreamReader(context.Request.Body);
        var text = await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
        var body = JsonNode.Parse(text)!.AsObject();
        var step = Script.TryDequeue(out var next) ? next : null;
        var request = new ReceivedRequest(
            received, body, context.Request.Headers["Idempotency-Key"].ToString(),
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), step);
        _requests.Enqueue(request);

        if (step is { Reset: true })
        {
            request.RespondedAt = TimeProvider.System.GetTimestamp();
            context.Abort();
            return;
        }

        if (step is not null)
        {
            if (step.RetryAfter is { } retryAfter)
            {
                context.Response.Headers.RetryAfter = retryAfter;
            }

            context.Response.StatusCode = step.Status;
            request.RespondedAt = TimeProvider.System.GetTimestamp();
            await context.Response.WriteAsync($"scripted status {step.Status}", context.RequestAborted).ConfigureAwait(false);
            return;
        }

        var results = new JsonArray();
        foreach (var record in body["records"]!.AsArray())
        {
            var identity = record!["identity"]!.ToJsonString();
            if (RejectedIdentities.TryGetValue(identity, out var error))
            {
                results.Add(new JsonObject { ["identity"] = JsonNode.Parse(identity), ["error"] = error });
            }
        }

        foreach (var extra in ExtraResults)
        {
            results.Add(extra.DeepClone());
        }

        request.RespondedAt = TimeProvider.System.GetTimestamp();
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(new JsonObject { ["results"] = results }.ToJsonString(), context.RequestAborted).ConfigureAwait(false);
    }
}

/// <summary>
/// One scripted response: <see cref="Status"/> with an optional Retry-After header value, or, when <see cref="Reset"/>
/// is true, a reset connection.
/// </summary>
public sealed record ReceiverStep(int Status, string? RetryAfter = null, bool Reset = false)
{
    public static ReceiverStep ResetConnection { get; } = new(0, Reset: true);
}

/// <summary>
/// A request the receiver got: its arrival (a <see cref="TimeProvider.GetTimestamp"/> value), body, headers and the
/// scripted step it took (null for a 200).
/// </summary>
public sealed record ReceivedRequest(
    long ReceivedAt, JsonObject Body, string IdempotencyKey, IReadOnlyDictionary<string, string> Headers, ReceiverStep? Step)
{
    public long RespondedAt { get; set; }

    public IEnumerable<string> Identities => Body["records"]!.AsArray().Select(r => r!["identity"]!.ToJsonString());
}
