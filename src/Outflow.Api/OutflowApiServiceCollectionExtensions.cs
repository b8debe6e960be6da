using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Outflow.Api.Authentication;
using Outflow.Api.Idempotency;
using Outflow.Api.Jobs;
using Outflow.Api.Json;
using Outflow.Api.Logs;
using Outflow.Api.Models;
using Outflow.Api.OpenApi;
using Outflow.Api.Paging;
using Outflow.Api.RateLimiting;
using Outflow.Api.Syncs;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the HTTP API's services.</summary>
public static class OutflowApiServiceCollectionExtensions
{
    /// <summary>
    /// Adds the API's JSON settings, API key authentication, per-key rate limiting, idempotency keys and their
    /// pruning, background jobs and their cleanup, page tokens, log download tokens, request validators and the OpenAPI document. The host
    /// registers the stores, <c>ConnectorRegistry</c>, <c>ConnectorEnvironment</c>, <c>IExecutionDispatcher</c>,
    /// <c>MasterKey</c>, <c>TimeProvider</c> and <c>IExecutionLogFiles</c> they use, and may register a
    /// <see cref="LogDownloadOptions"/>, <see cref="ApiRateLimitOptions"/> or <see cref="IdempotencyOptions"/>
    /// first to change the defaults.
    /// </summary>
    public static IServiceCollection AddOutflowApi(this IServiceCollection services)
    {
        services.Configure<JsonOptions>(options => ApiJson.Configure(options.SerializerOptions));
        services
            .AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorization();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<PageTokenCodec>();
        services.TryAddSingleton(new LogDownloadOptions());
        services.AddSingleton<LogDownloadTokenCodec>();
        services.TryAddSingleton(new ApiRateLimitOptions());
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<ApiRateLimitOptions>(ApiRateLimiting.Configure);
        services.TryAddSingleton(new IdempotencyOptions());
        services.AddHostedService<IdempotencyKeyPruner>();
        services.AddSingleton<JobRunner>();
        services.AddHostedService<JobCleanupService>();
        services.AddScoped<ModelDefinitionBuilder>();
        services.AddScoped<ModelSampler>();
        services.AddScoped<SyncValidator>();
        services.AddOutflowOpenApi();
        return services;
    }
}
