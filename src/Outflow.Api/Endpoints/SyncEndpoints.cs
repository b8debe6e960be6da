using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Outflow.Api.Authentication;
using Outflow.Api.Contracts;
using Outflow.Api.Errors;
using Outflow.Api.Json;
using Outflow.Api.OpenApi;
using Outflow.Api.Paging;
using Outflow.Api.Syncs;
using Outflow.Core;
using Outflow.Core.Executions;
using Outflow.Core.Syncs;
using Outflow.Core.Syncs.Schedules;

namespace Outflow.Api.Endpoints;

/// <summary>Model syncs: list, create, get, replace, delete, activate, start, cancel and status.</summary>
internal static class SyncEndpoints
{
    private const int PageSize = 50;

    public static void MapSyncEndpoints(this RouteGroupBuilder api)
    {
        var syncs = api.MapGroup("/syncs").WithTags("Syncs");
        syncs.MapGet("", ListAsync)
            .WithName("ListSyncs")
            .WithSummary("Lists the organization's syncs, most recently updated first, at most 50 per page.")
            .WithQueryParameter("active", QueryParameterType.Boolean, "Only syncs whose active flag has this value.")
            .WithQueryParameter("mode", QueryParameterType.String, "Only syncs in this mode: " + string.Join(", ", SyncModes.WireNames) + ".")
            .WithQueryParameter("target_connection_id", QueryParameterType.Uuid, "Only syncs that write to this connection.")
            .WithQueryParameter("limit", QueryParameterType.Integer, "Page size from 1 to 50; other values mean 50.")
            .WithQueryParameter("page_token", QueryParameterType.String, "pagination.next_page_token of the previous page, sent with the same filters; omit for the first page.")
            .ProducesPage<SyncResponse>();
        syncs.MapPost("", CreateAsync)
            .WithName("CreateSync")
            .WithSummary("Creates a sync after checking its target object, field mappings, identity and schedule; with target.new_name it first creates the target table.")
            .AcceptsJson<SyncConfiguration>()
            .ProducesData<SyncResponse>()
            .ProducesErrors(StatusCodes.Status422UnprocessableEntity);
        syncs.MapGet("/{id}", GetAsync)
            .WithName("GetSync")
            .WithSummary("Returns one sync's configuration.")
            .ProducesData<SyncResponse>()
            .ProducesErrors(StatusCodes.Status404NotFound);
        syncs.MapPut("/{id}", UpdateAsync)
            .WithName("UpdateSync")
            .WithSummary("Replaces a sync's configuration, creating the target table first when target.new_name is set; a running execution keeps the configuration it started with.")
            .AcceptsJson<SyncConfiguration>()
            .ProducesData<SyncResponse>()
            .ProducesErrors(StatusCodes.Status404NotFound, StatusCodes.Status422UnprocessableEntity);
        syncs.MapDelete("/{id}", DeleteAsync)
            .WithName("DeleteSync")
            .WithSummary("Cancels the sync's running execution, then deletes the sync with its executions.")
            .ProducesEmpty()
            .ProducesErrors(StatusCodes.Status404NotFound);
        syncs.MapPost("/{id}/activate", ActivateAsync)
            .WithName("ActivateSync")
            .WithSummary("Sets whether the sync may start; deactivating leaves a running execution running.")
            .AcceptsJson<ActivateSyncRequest>()
            .ProducesData<ActivateSyncResponse>()
            .ProducesErrors(StatusCodes.Status404NotFound);
        syncs.MapPost("/{id}/cancel", CancelAsync)
            .WithName("CancelSync")
            .WithSummary("Requests cancellation of the sync's running execution and returns without waiting for it.")
            .ProducesData<CancelResponse>()
            .ProducesErrors(StatusCodes.Status404NotFound);
        syncs.MapPost("/{id}/executions", StartAsync)
            .WithName("StartSync")
            .WithSummary("Starts an execution of an active sync that has none in progress.")
            .AcceptsJson<StartSyncRequest>(isOptional: true)
            .ProducesData<StartSyncResponse>()
            .ProducesErrors(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status422UnprocessableEntity);
        syncs.MapGet("/{id}/status", GetStatusAsync)
            .WithName("GetSyncStatus")
            .WithSummary("Returns the sync's current and last finished executions and the time its schedule starts it next.")
            .ProducesData<SyncStatusResponse>()
            .ProducesErrors(StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> ListAsync(
        HttpContext context, ISyncStore syncs, PageTokenCodec pageTokens, CancellationToken cancellationToken)
    {
        var principal = context.GetApiPrincipal();
        var request = context.Request;
        var active = RequestValues.ReadBoolean(request, "active");
        var modeText = RequestValues.ReadString(request, "mode");
        SyncMode? mode = null;
        if (modeText is not null)
        {
            mode = SyncModes.TryParse(modeText, out var parsed)
                ? parsed
                : throw ApiException.BadRequest(
                    ApiErrorKeys.InvalidQueryParameter,
                    $"query parameter mode must be one of {string.Join(", ", SyncModes.WireNames)}, got \"{modeText}\"",
                    "mode",
                    modeText);
        }

        var targetConnectionId = RequestValues.ReadGuid(request, "target_connection_id");
        var limit = RequestValues.ReadLimit(request, "limit", PageSize);
        var filterText = $"active={active?.ToString() ?? ""};mode={modeText ?? ""};target_connection_id={targetConnectionId?.ToString() ?? ""}";
        var scope = new PageTokenScope("syncs", principal.Organization.Id, null, filterText);
        var token = RequestValues.ReadString(request, "page_token");
        var after = token is null ? null : pageTokens.Read(token, scope);

        var items = await syncs.ListAsync(
            principal.Organization.Id, new SyncListFilter(active, mode, targetConnectionId), after, limit + 1, cancellationToken);
        var page = items.Take(limit).ToList();
        var next = items.Count > limit
            ? pageTokens.Create(scope, new ListCursor(page[^1].UpdatedAt.ToUnixTimeMilliseconds(), page[^1].Id))
            : null;
        return ApiResults.Page(page.Select(sync => SyncResponse.From(sync, asListItem: true)).ToList(), next);
    }

    private static async Task<IResult> GetAsync(string id, HttpContext context, ISyncStore syncs, CancellationToken cancellationToken)
    {
        var sync = await FindAsync(id, context, syncs, cancellationToken);
        return ApiResults.Data(SyncResponse.From(sync));
    }

    private static async Task<IResult> CreateAsync(
        HttpContext context,
        ISyncStore syncs,
        SyncValidator validator,
        ISyncScheduler scheduler,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory,
        CancellationToken cancellationToken)
    {
        var principal = context.GetApiPrincipal();
        var request = await RequestJson.ReadAsync<SyncConfiguration>(context.Request, cancellationToken);
        var (configuration, newTarget) = await validator.ValidateAsync(principal.Organization.Id, request, null, cancellationToken);

        var now = timeProvider.GetUtcNow();
        var actor = principal.ToActor();
        var sync = new Sync
        {
            Id = Guid.NewGuid(),
            OrganizationId = principal.Organization.Id,
            Configuration = configuration,
            CreatedAt = now,
            UpdatedAt = now,
            CreatedBy = actor,
            UpdatedBy = actor,
        };
        if (newTarget is null)
        {
            await syncs.InsertAsync(sync, cancellationToken);
        }
        else
        {
            await newTarget.CreateThenSaveAsync(
                configuration,
                saved =>
                {
                    sync.Configuration = saved;
                    return syncs.InsertAsync(sync, cancellationToken);
                },
                loggerFactory.CreateLogger(typeof(SyncEndpoints)),
                cancellationToken);
        }

        await scheduler.ApplyAsync(sync, cancellationToken);
        return ApiResults.Data(SyncResponse.From(sync));
    }

    private static async Task<IResult> UpdateAsync(
        string id,
        HttpContext context,
        ISyncStore syncs,
        SyncValidator validator,
        ISyncScheduler scheduler,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory,
        CancellationToken cancellationToken)
    {
        var principal = context.GetApiPrincipal();
        var sync = await FindAsync(id, context, syncs, cancellationToken);
        var request = await RequestJson.ReadAsync<SyncConfiguration>(context.Request, cancellationToken);
        // NOTE: an execution still running on the previous configuration may checkpoint a few entries after the
        // state is cleared. Those entries name records of the previous target.
        var previous = sync.Configuration;
        var (configuration, newTarget) = await validator.ValidateAsync(principal.Organization.Id, request, sync.Id, cancellationToken);
        if (configuration.EncryptionPassphrase is null && configuration.Target?.ConnectionId == previous.Target?.ConnectionId)
        {
            // The passphrase is write-only, so clients cannot send it back: an update without one keeps the stored one.
            configuration = configuration with { EncryptionPassphrase = previous.EncryptionPassphrase };
        }

        sync.UpdatedAt = timeProvider.GetUtcNow();
        sync.UpdatedBy = principal.ToActor();
        if (newTarget is null)
        {
            sync.Configuration = configuration;
            await syncs.UpdateAsync(sync, WritesElsewhere(previous, configuration), cancellationToken);
        }
        else
        {
            await newTarget.CreateThenSaveAsync(
                configuration,
                saved =>
                {
                    sync.Configuration = saved;
                    return syncs.UpdateAsync(sync, WritesElsewhere(previous, saved), cancellationToken);
                },
                loggerFactory.CreateLogger(typeof(SyncEndpoints)),
                cancellationToken);
        }

        await scheduler.ApplyAsync(sync, cancellationToken);
        return ApiResults.Data(SyncResponse.From(sync));
    }

    /// <summary>
    /// Returns true when the records the sync wrote under <paramref name="previous"/> are not the records it would
    /// match under <paramref name="next"/>: another target connection or object, another identity, or a change of
    /// mode whose state means something else.
    /// </summary>
    private static bool WritesElsewhere(SyncConfiguration previous, SyncConfiguration next) =>
        previous.Target?.ConnectionId != next.Target?.ConnectionId
        || !string.Equals(previous.Target?.Object, next.Target?.Object, StringComparison.Ordinal)
        || !string.Equals(previous.Identity?.Target, next.Identity?.Target, StringComparison.Ordinal)
        || previous.Identity?.Source?.ModelId != next.Identity?.Source?.ModelId
        || !string.Equals(previous.Identity?.Source?.Field, next.Identity?.Source?.Field, StringComparison.Ordinal)
        || (previous.Mode != next.Mode && !(IsUpsertFamily(previous.Mode) && IsUpsertFamily(next.Mode)));

    /// <summary>
    /// Modes whose state means "this record holds the row as written", so a sync can move between them and keep
    /// its state. Remove keeps the rows it deleted, and append and snapshot key rows by content instead.
    /// </summary>
    private static bool IsUpsertFamily(SyncMode? mode) =>
        mode is SyncMode.Create or SyncMode.Update or SyncMode.UpdateOrCreate or SyncMode.Replace;

    private static async Task<IResult> DeleteAsync(
        string id,
        HttpContext context,
        ISyncStore syncs,
        IExecutionStore executions,
        ISyncScheduler scheduler,
        ILoggerFactory loggerFactory,
        CancellationToken cancellationToken)
    {
        var principal = context.GetApiPrincipal();
        var sync = await FindAsync(id, context, syncs, cancellationToken);
        var logger = loggerFactory.CreateLogger(typeof(SyncEndpoints));
        var current = await executions.GetCurrentAsync(principal.Organization.Id, sync.Id, cancellationToken);
        if (current is not null && await executions.RequestCancelAsync(current.Id, cancellationToken))
        {
            Log.ExecutionCancelRequested(logger, current.Id, sync.Id);
        }

        await syncs.DeleteAsync(principal.Organization.Id, sync.Id, cancellationToken);
        await scheduler.RemoveAsync(sync.Id, cancellationToken);
        Log.SyncDeleted(logger, sync.Id, principal.Organization.Id);
        return ApiResults.Empty();
    }

    private static async Task<IResult> ActivateAsync(
        string id,
        HttpContext context,
        ISyncStore syncs,
        ISyncScheduler scheduler,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory,
        CancellationToken cancellationToken)
    {
        var principal = context.GetApiPrincipal();
        var sync = await FindAsync(id, context, syncs, cancellationToken);
        var request = await RequestJson.ReadAsync<ActivateSyncRequest>(context.Request, cancellationToken);
        var active = request.Active ?? throw ApiException.MissingField("active");

        // Only the flag changes: the target and identity stay, so the records the sync wrote stay its own.
        sync.Configuration = sync.Configuration with { Active = active };
        sync.UpdatedAt = timeProvider.GetUtcNow();
        sync.UpdatedBy = principal.ToActor();
        await syncs.UpdateAsync(sync, clearState: false, cancellationToken);
        await scheduler.ApplyAsync(sync, cancellationToken);
        Log.SyncActivated(loggerFactory.CreateLogger(typeof(SyncEndpoints)), sync.Id, active, principal.Organization.Id);
        return ApiResults.Data(new ActivateSyncResponse(sync.Id, active));
    }

    private static async Task<IResult> CancelAsync(
        string id,
        HttpContext context,
        ISyncStore syncs,
        IExecutionStore executions,
        ILoggerFactory loggerFactory,
        CancellationToken cancellationToken)
    {
        var principal = context.GetApiPrincipal();
        var sync = await FindAsync(id, context, syncs, cancellationToken);
        await RequestJson.ReadOptionalAsync<JsonObject>(context.Request, cancellationToken);

        // The execution may finish between the lookup and the request; then nothing is running any more.
        var current = await executions.GetCurrentAsync(principal.Organization.Id, sync.Id, cancellationToken);
        if (current is null || !await executions.RequestCancelAsync(current.Id, cancellationToken))
        {
            return ApiResults.Data(new CancelResponse($"no execution of sync {sync.Id} is running"));
        }

        Log.CancelRequested(loggerFactory.CreateLogger(typeof(SyncEndpoints)), current.Id, sync.Id);
        return ApiResults.Data(new CancelResponse($"cancellation of execution {current.Id} requested"));
    }

    private static async Task<IResult> StartAsync(
        string id,
        HttpContext context,
        ISyncStore syncs,
        IExecutionStore executions,
        IExecutionDispatcher dispatcher,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory,
        CancellationToken cancellationToken)
    {
        var principal = context.GetApiPrincipal();
        var sync = await FindAsync(id, context, syncs, cancellationToken);
        var request = await RequestJson.ReadOptionalAsync<StartSyncRequest>(context.Request, cancellationToken)
            ?? new StartSyncRequest();

        var test = request.Test ?? false;
        var dryRun = request.DryRun ?? false;
        if (test && dryRun)
        {
            throw ApiException.Unprocessable(
                ApiErrorKeys.UnsupportedOption,
                "test and dry_run cannot be combined: a test run writes records and a dry run writes none; set only one",
                "dry_run",
                true);
        }

        if (!sync.Active)
        {
            throw new ApiException(
                StatusCodes.Status409Conflict,
                ApiErrorKeys.SyncInactive,
                $"sync {sync.Id} is inactive: set active to true with Update Sync, then start it",
                "id",
                sync.Id);
        }

        var current = await executions.GetCurrentAsync(principal.Organization.Id, sync.Id, cancellationToken);
        if (current is not null)
        {
            throw InProgress(sync.Id, current.Id);
        }

        var identities = request.Identities?.Where(identity => identity is not null).ToList();
        if (identities is { Count: > 0 } && sync.Configuration.Mode is { } mode && !mode.RequiresIdentity())
        {
            throw ApiException.Unprocessable(
                ApiErrorKeys.UnsupportedOption,
                $"identities: mode {mode.ToWire()} does not match records by identity, so identities cannot select rows; "
                + "start the sync without identities",
                "identities");
        }

        var execution = new Execution
        {
            Id = Guid.NewGuid(),
            OrganizationId = principal.Organization.Id,
            SyncId = sync.Id,
            Status = ExecutionStatus.Queued,
            Type = ExecutionType(test, dryRun),
            CreatedAt = timeProvider.GetUtcNow(),
            Configuration = Snapshot(sync.Configuration),
            Options = new ExecutionOptions(request.Resync ?? false, identities is { Count: > 0 } ? identities : null, test),
        };
        var (stored, created) = await executions.CreateIfIdleAsync(execution, cancellationToken);
        if (!created)
        {
            throw InProgress(sync.Id, stored.Id);
        }

        await dispatcher.DispatchAsync(sync.Id, stored.Id, cancellationToken);
        Log.ExecutionStarted(loggerFactory.CreateLogger(typeof(SyncEndpoints)), stored.Id, sync.Id);
        return ApiResults.Data(new StartSyncResponse(stored.Id, stored.Status.ToWire(), stored.CreatedAt));
    }

    private static async Task<IResult> GetStatusAsync(
        string id,
        HttpContext context,
        ISyncStore syncs,
        IExecutionStore executions,
        ISyncScheduler scheduler,
        CancellationToken cancellationToken)
    {
        var principal = context.GetApiPrincipal();
        var sync = await FindAsync(id, context, syncs, cancellationToken);
        var current = await executions.GetCurrentAsync(principal.Organization.Id, sync.Id, cancellationToken);
        var last = await executions.GetLastFinishedAsync(principal.Organization.Id, sync.Id, cancellationToken);
        return ApiResults.Data(new SyncStatusResponse
        {
            CurrentExecution = current is null ? null : ExecutionResponse.From(current),
            LastExecution = last is null ? null : ExecutionResponse.From(last),
            NextExecutionTime = await scheduler.GetNextExecutionTimeAsync(sync, cancellationToken),
        });
    }

    /// <summary>Finds a sync of the caller's organization by the path id in route parameter <c>id</c>.</summary>
    internal static Task<Sync> FindAsync(string id, HttpContext context, ISyncStore syncs, CancellationToken cancellationToken) =>
        FindAsync(id, "id", context, syncs, cancellationToken);

    /// <summary>Finds a sync of the caller's organization by the path id in route parameter <paramref name="field"/>.</summary>
    internal static async Task<Sync> FindAsync(
        string id, string field, HttpContext context, ISyncStore syncs, CancellationToken cancellationToken)
    {
        var syncId = RequestValues.ParseId(id, "sync", field);
        return await syncs.GetAsync(context.GetApiPrincipal().Organization.Id, syncId, cancellationToken)
            ?? throw ApiException.NotFound($"sync {syncId} was not found", field, syncId);
    }

    /// <summary>Copies the configuration deeply, so that later changes to the sync cannot reach the execution.</summary>
    private static SyncConfiguration Snapshot(SyncConfiguration configuration) =>
        JsonSerializer.Deserialize<SyncConfiguration>(JsonSerializer.SerializeToUtf8Bytes(configuration, ApiJson.Options), ApiJson.Options)!;

    private static string ExecutionType(bool test, bool dryRun)
    {
        if (dryRun)
        {
            return ExecutionTypes.DryRun;
        }

        return test ? ExecutionTypes.Test : ExecutionTypes.Manual;
    }

    private static ApiException InProgress(Guid syncId, Guid executionId) => new(
        StatusCodes.Status409Conflict,
        ApiErrorKeys.ExecutionInProgress,
        $"sync {syncId} already has execution {executionId} in progress: wait for it to finish, or cancel it",
        metadata: new Dictionary<string, object?> { ["execution_id"] = executionId });
}
