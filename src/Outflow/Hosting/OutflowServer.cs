using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Outflow.Api.Errors;
using Outflow.Core.Connectors;
using Outflow.Core.Diagnostics;
using Outflow.Core.Organizations;
using Outflow.Core.Storage;

namespace Outflow.Hosting;

/// <summary>
/// Builds and starts a server: the embedded one with API, scheduler and workers in one process, or one
/// <see cref="ServerRole"/> of the distributed mode.
/// </summary>
public static class OutflowServer
{
    public static Task<RunningServer> StartAsync(ServerSettings settings, CancellationToken cancellationToken) =>
        StartAsync(settings, ServerRole.All, cancellationToken);

    /// <exception cref="InvalidOperationException">
    /// The settings name an unsupported store, or <paramref name="role"/> is api or worker on a SQLite store.
    /// </exception>
    public static async Task<RunningServer> StartAsync(ServerSettings settings, ServerRole role, CancellationToken cancellationToken)
    {
        StoreRegistration.EnsureSupported(settings);
        if (role != ServerRole.All && StoreRegistration.IsSqlite(settings.Store))
        {
            throw new InvalidOperationException(
                $"outflow {role.ToString().ToLowerInvariant()} needs a PostgreSQL store that the api and worker processes share. "
                + "Set --store (OUTFLOW_STORE) to a PostgreSQL connection string, or run outflow serve for the embedded SQLite mode.");
        }

        ArmCrashPoint(settings.CrashPoint);
        var application = Build(settings, role);
        var logger = application.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Outflow.Server");
        if (CrashPoints.Armed is { } crashPoint)
        {
            Log.CrashPointArmed(logger, crashPoint);
        }

        var maintenance = application.Services.GetRequiredService<IStoreMaintenance>();
        await maintenance.MigrateAsync(cancellationToken);
        await maintenance.CheckMasterKeyAsync(cancellationToken);

        // Workers serve no API, so the first organization and its key come from serve or api.
        var adminKey = role == ServerRole.Worker
            ? null
            : await Bootstrapper.BootstrapAsync(
                application.Services.GetRequiredService<IOrganizationStore>(), settings.BootstrapKey, cancellationToken);

        await application.StartAsync(cancellationToken);
        var server = new RunningServer(application, adminKey);
        Log.ServerStarted(
            logger, role.ToString().ToLowerInvariant(), maintenance.Describe(), server.BaseAddress.ToString(), settings.ResolvedDataDirectory,
            settings.ResolvedFilesRoot);
        return server;
    }

    private static void ArmCrashPoint(string? setting)
    {
        try
        {
            CrashPoints.Arm(setting);
        }
        catch (FormatException exception)
        {
            throw new InvalidOperationException(exception.Message, exception);
        }
    }

    private static WebApplication Build(ServerSettings settings, ServerRole role)
    {
        var dataDirectory = settings.ResolvedDataDirectory;
        var filesRoot = settings.ResolvedFilesRoot;
        Directory.CreateDirectory(dataDirectory);
        Directory.CreateDirectory(filesRoot);

        // Outflow reads its settings once (SettingsLoader), so the host's configuration files are not watched: a watch
        // on the content root, the data directory, would wake a thread for every write to the store, logs and scratch files.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
            ContentRootPath = dataDirectory,
        });
        builder.WebHost.UseUrls(settings.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        ConfigureLogging(builder.Logging);

        // Requests carry configurations and queries, never data, so 4 MiB is generous; Kestrel's default is 30 MB.
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = 4 * 1024 * 1024;
            kestrel.ConfigureEndpointDefaults(listen => listen.UseApiErrorsForRejectedRequests());
        });

        var services = builder.Services;
        StoreRegistration.AddStore(services, settings);
        services.AddSingleton(new ConnectorEnvironment(filesRoot)
        {
            AllowPrivateNetworks = settings.AllowPrivateNetworks,
            ExecutionLease = settings.ExecutionLease,
        });
        services.AddSingleton<ConnectorRegistry>();
        services.AddSqliteConnector();
        services.AddFilesConnector();
        services.AddPostgreSqlConnector();
        services.AddWebhookConnector();
        services.AddMySqlConnector();
        services.AddOutflowEngine(new Outflow.Engine.EngineOptions
        {
            LogsDirectory = Path.Combine(dataDirectory, "logs"),
            ScratchDirectory = Path.Combine(dataDirectory, "tmp"),
            LeaseDuration = settings.ExecutionLease,
            CheckpointInterval = settings.CheckpointInterval,
        });
        services.AddSingleton(new Outflow.Scheduling.SyncScheduleOptions { ContinuousInterval = settings.ContinuousInterval });
        builder.AddOutflowScheduling(StoreRegistration.SchedulingOptionsFor(settings, executesJobs: role != ServerRole.Api));
        services.AddSingleton(new Outflow.Api.Logs.LogDownloadOptions { UrlLifetime = settings.LogUrlLifetime });
        services.AddSingleton(new Outflow.Api.RateLimiting.ApiRateLimitOptions
        {
            PermitsPerSecond = settings.RateLimitPerSecond,
            Burst = settings.RateLimitBurst,
        });
        services.AddSingleton(new Outflow.Api.Idempotency.IdempotencyOptions { KeyLifetime = settings.IdempotencyKeyLifetime });
        services.AddOutflowApi();

        var application = builder.Build();
        application.MapGet("/healthz", () => Results.Json(new { status = "ok" }))
            .WithName("GetHealth")
            .WithSummary("Returns ok while the process serves requests.")
            .WithTags("Health");
        application.MapGet("/readyz", async (IStoreMaintenance store, CancellationToken cancellationToken) =>
            await store.PingAsync(cancellationToken)
                ? Results.Json(new { status = "ok" })
                : Results.Json(new { status = "store unreachable" }, statusCode: StatusCodes.Status503ServiceUnavailable))
            .WithName("GetReadiness")
            .WithSummary("Returns ok when the store answers, and 503 when it does not.")
            .WithTags("Health");
        if (role != ServerRole.Worker)
        {
            application.UseOutflowApi();
        }

        return application;
    }

    private static void ConfigureLogging(ILoggingBuilder logging)
    {
        logging.ClearProviders();

        // Quartz logs its setup at Information, and data protection (pulled in by authentication, unused
        // here) warns about its key ring; neither is about syncs.
        logging.AddFilter("Quartz", LogLevel.Warning);
        logging.AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error);

        // The OpenAPI generator looks for MVC controllers, of which there are none, and logs that on every request.
        logging.AddFilter("Microsoft.AspNetCore.Mvc.Infrastructure.DefaultActionDescriptorCollectionProvider", LogLevel.Warning);

        // The hosting layer logs every request's full URL at Information. A log download URL contains the signed
        // token that grants the file without an API key, so anyone who can read the logs could download customers'
        // data. The endpoint log lines that remain name the route template, not the token.
        logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        if (Console.IsOutputRedirected)
        {
            logging.AddJsonConsole();
        }
        else
        {
            logging.AddSimpleConsole(options =>
            {
                options.SingleLine = true;
                options.TimestampFormat = "HH:mm:ss ";
            });
        }
    }
}
