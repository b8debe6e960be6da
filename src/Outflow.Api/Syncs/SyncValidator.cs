using Outflow.Api.Errors;
using Outflow.Api.Json;
using Outflow.Core.Connections;
using Outflow.Core.Connectors;
using Outflow.Core.Models;
using Outflow.Core.Syncs;
using Outflow.Core.Syncs.Schedules;

namespace Outflow.Api.Syncs;

/// <summary>
/// Checks a sync configuration against the organization's connections and models and the target object, before
/// anything is stored. Missing required properties get 400; references to missing objects and combinations
/// this version cannot run get 422, each naming the offending property by its JSON path.
/// </summary>
internal sealed class SyncValidator
{
    private const string EqualityFunction = "Equality";

    /// <summary>The values of <c>SchemaIdentityFunction</c>; others are not part of the API and get 400.</summary>
    private static readonly string[] IdentityFunctions = ["Equality", "ISubstring", "OneOf", "DomainMatch", "HostnameMatch"];

    private static readonly string[] FieldSyncModes = ["updateOrCreate", "create"];

    private readonly IConnectionStore _connections;
    private readonly IModelStore _models;
    private readonly ISyncStore _syncs;
    private readonly ConnectorRegistry _registry;
    private readonly ConnectorEnvironment _environment;

    public SyncValidator(
        IConnectionStore connections,
        IModelStore models,
        ISyncStore syncs,
        ConnectorRegistry registry,
        ConnectorEnvironment environment)
    {
        _connections = connections;
        _models = models;
        _syncs = syncs;
        _registry = registry;
        _environment = environment;
    }

    /// <summary>
    /// Validates a create or update request. Returns the configuration to store and, when the request names a new
    /// target table with <c>target.new_name</c>, the plan to create it; the request was then checked against that
    /// table as if it existed. <paramref name="syncId"/> is the id of the sync being updated, null on create.
    /// </summary>
    /// <exception cref="ApiException">The configuration is incomplete, names missing objects or cannot run.</exception>
    public async Task<(SyncConfiguration Configuration, NewTargetPlan? NewTarget)> ValidateAsync(
        Guid organizationId, SyncConfiguration configuration, Guid? syncId, CancellationToken cancellationToken)
    {
        RequestValues.RequireName(configuration.Name);

        var mode = configuration.Mode ?? throw ApiException.MissingField("mode");
        var target = configuration.Target ?? throw ApiException.MissingField("target");
        var schedule = configuration.Schedule ?? throw ApiException.MissingField("schedule");
        var fields = configuration.Fields ?? throw ApiException.MissingField("fields");

        CheckUnsupportedOptions(configuration);
        await CheckScheduleAsync(organizationId, syncId, schedule, cancellationToken);
        var (connection, factory) = await FindTargetConnectionAsync(organizationId, target, cancellationToken);
        if (!string.IsNullOrEmpty(configuration.EncryptionPassphrase) && !factory.Info.AcceptsEncryptionPassphrase)
        {
            throw ApiException.Unprocessable(
                ApiErrorKeys.UnsupportedOption,
                $"encryption_passphrase is used only by files targets, and the target connection has type {factory.Info.Id}: remove it",
                "encryption_passphrase");
        }

        var newTarget = target.NewName is { Length: > 0 }
            ? await new NewTargetPlanner(_models, organizationId, _environment)
                .PlanAsync(connection, factory, configuration, mode, cancellationToken)
            : null;
        var creating = newTarget is not null;
        var targetObject = newTarget?.Preview ?? await DescribeTargetAsync(connection, factory, target, cancellationToken);
        CheckMode(mode, targetObject);
        if (configuration.SkipInitialBackfill == true && mode is SyncMode.Replace or SyncMode.Snapshot)
        {
            // A baseline writes nothing, so replace could later delete records it never wrote; snapshot copies every row anyway.
            throw ApiException.Unprocessable(
                ApiErrorKeys.UnsupportedOption,
                $"skip_initial_backfill cannot be used with mode {mode.ToWire()}: remove it, or use another mode",
                "skip_initial_backfill",
                true);
        }

        var models = new ModelResolver(_models, organizationId);
        var overrideFields = configuration.OverrideFields ?? [];
        if (fields.Count == 0 && overrideFields.Count == 0)
        {
            throw ApiException.Unprocessable(
                ApiErrorKeys.InvalidFieldMapping,
                "fields is empty: map at least one model field to a target field",
                "fields");
        }

        var mappedTargets = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < fields.Count; i++)
        {
            await CheckFieldAsync(fields[i], $"fields[{i}]", targetObject, models, mappedTargets, creating, cancellationToken);
        }

        for (var i = 0; i < overrideFields.Count; i++)
        {
            await CheckFieldAsync(overrideFields[i], $"override_fields[{i}]", targetObject, models, mappedTargets, creating, cancellationToken);
        }

        if (mode == SyncMode.Append && targetObject.AppendFields is { Count: > 0 } appendFields)
        {
            CheckAppendFields(targetObject.Id, appendFields, fields, overrideFields);
        }

        if (mode.RequiresIdentity())
        {
            await CheckIdentityAsync(configuration.Identity, mode, targetObject, models, creating, cancellationToken);
            CheckIdentityMappings(configuration.Identity, fields, "fields");
            CheckIdentityMappings(configuration.Identity, overrideFields, "override_fields");
        }
        else if (mode == SyncMode.Snapshot)
        {
            CheckSnapshotColumns(fields, "fields");
            CheckSnapshotColumns(overrideFields, "override_fields");
        }

        if (models.Model is null)
        {
            throw ApiException.Unprocessable(
                ApiErrorKeys.MissingModel,
                "the sync reads no model: map at least one model field in fields or identity",
                "fields");
        }

        SyncFilterRules.Check(configuration, models.Model);

        var passphrase = string.IsNullOrEmpty(configuration.EncryptionPassphrase) ? null : configuration.EncryptionPassphrase;
        return (configuration with { Active = configuration.Active ?? false, EncryptionPassphrase = passphrase }, newTarget);
    }

    private static void CheckUnsupportedOptions(SyncConfiguration configuration)
    {
        // An empty new_name counts as absent, as clients that always send the property leave it empty.
        var creating = !string.IsNullOrEmpty(configuration.Target?.NewName);
        if (creating && !string.IsNullOrEmpty(configuration.Target?.Object))
        {
            throw ApiException.Unprocessable(
                ApiErrorKeys.UnsupportedOption,
                "target.object and target.new_name are both set: set target.object to sync to an existing object, or "
                + "target.new_name to create one, not both",
                "target.new_name",
                configuration.Target!.NewName);
        }

        if (!creating && configuration.Target?.Create is { Count: > 0 } create)
        {
            var key = create.Keys.First();
            throw ApiException.Unprocessable(
                ApiErrorKeys.InvalidCreationProperty,
                $"target.create.{key} applies only when creating a target object: set target.new_name, or remove target.create",
                $"target.create.{key}",
                create[key]);
        }
    }

    private static void CheckMode(SyncMode mode, TargetObjectInfo targetObject)
    {
        if (targetObject.Modes.Contains(mode))
        {
            return;
        }

        // A table can gain a mode through its columns or indexes. A file or a webhook, which takes any field, cannot.
        var hint = mode switch
        {
            _ when targetObject.AcceptsAnyField => "; use one of those modes",
            SyncMode.Snapshot => $"; snapshot needs the columns {SnapshotColumns.ExecutionId} and {SnapshotColumns.SnapshotAt} in the table",
            _ when mode.RequiresIdentity() => "; modes that match records need a primary key or single-column unique index",
            _ => "",
        };
        var supported = targetObject.Modes.Count == 0 ? "none" : string.Join(", ", targetObject.Modes.Select(m => m.ToWire()));
        throw ApiException.Unprocessable(
            ApiErrorKeys.UnsupportedMode,
            $"target object {targetObject.Id} does not support mode {mode.ToWire()}: it supports {supported}{hint}",
            "mode",
            mode.ToWire());
    }

    /// <summary>
    /// Rejects an append mapping that does not write exactly the object's <see cref="TargetObjectInfo.AppendFields"/> in
    /// their order. Records are written in the order of <c>fields</c> followed by <c>override_fields</c>.
    /// </summary>
    private static void CheckAppendFields(
        string objectId, IReadOnlyList<string> appendFields, List<SyncField> fields, List<SyncField> overrideFields)
    {
        var mapped = fields.Select((f, i) => (Path: $"fields[{i}]", f.Target))
            .Concat(overrideFields.Select((f, i) => (Path: $"override_fields[{i}]", f.Target)))
            .ToList();
        var columns = string.Join(", ", appendFields);
        var rule = $"target object {objectId} has the columns {columns}, and append mode adds each record as one row "
            + "under them, so map every column once, in this order (fields first, then override_fields)";
        for (var i = 0; i < appendFields.Count; i++)
        {
            if (i >= mapped.Count)
            {
                throw ApiException.Unprocessable(
                    ApiErrorKeys.InvalidFieldMapping,
                    $"column {appendFields[i]} is not mapped: {rule}",
                    "fields",
                    appendFields[i]);
            }

            if (!string.Equals(mapped[i].Target, appendFields[i], StringComparison.Ordinal))
            {
                throw ApiException.Unprocessable(
                    ApiErrorKeys.InvalidFieldMapping,
                    $"{mapped[i].Path}.target is {mapped[i].Target}, but column {i + 1} is {appendFields[i]}: {rule}",
                    $"{mapped[i].Path}.target",
                    mapped[i].Target);
            }
        }

        if (mapped.Count > appendFields.Count)
        {
            var extra = mapped[appendFields.Count];
            throw ApiException.Unprocessable(
                ApiErrorKeys.InvalidFieldMapping,
                $"{extra.Path}.target {extra.Target} is not a column: {rule}",
                $"{extra.Path}.target",
                extra.Target);
        }
    }

    /// <summary>Rejects a mapping to a column that snapshot mode fills with the execution's id or time.</summary>
    private static void CheckSnapshotColumns(List<SyncField> fields, string path)
    {
        for (var i = 0; i < fields.Count; i++)
        {
            if (fields[i].Target is SnapshotColumns.ExecutionId or SnapshotColumns.SnapshotAt)
            {
                throw ApiException.Unprocessable(
                    ApiErrorKeys.InvalidFieldMapping,
                    $"{path}[{i}] writes to {fields[i].Target}, which snapshot mode fills itself: remove this mapping",
                    $"{path}[{i}].target",
                    fields[i].Target);
            }
        }
    }

    /// <summary>
    /// Validates the schedule's parts, then that every <c>runafter</c> sync is another sync of the organization and
    /// that following the run-after links from it never leads back to this sync, which would start them in a loop.
    /// An update may keep the id of a run-after sync that was deleted since it was stored, so that a client can send
    /// back the schedule it read. That link no longer starts anything.
    /// </summary>
    private async Task CheckScheduleAsync(Guid organizationId, Guid? syncId, Schedule schedule, CancellationToken cancellationToken)
    {
        var parsed = ScheduleParser.Parse(schedule);
        var upstreamIds = parsed.UpstreamSyncIds().ToList();
        var stored = syncId is { } storedId && await _syncs.GetAsync(organizationId, storedId, cancellationToken) is { } current
            ? ScheduleParser.Parse(current.Configuration.Schedule).UpstreamSyncIds().ToHashSet()
            : [];
        var existing = new List<Guid>();
        foreach (var upstreamId in upstreamIds)
        {
            var field = RunAfterPath(schedule, upstreamId);
            if (upstreamId == syncId)
            {
                throw ApiException.Unprocessable(
                    ApiErrorKeys.InvalidSchedule,
                    $"{field} is this sync's own id: a sync cannot run after itself",
                    field,
                    upstreamId);
            }

            if (await _syncs.GetAsync(organizationId, upstreamId, cancellationToken) is not null)
            {
                existing.Add(upstreamId);
            }
            else if (!stored.Contains(upstreamId))
            {
                throw ApiException.Unprocessable(
                    ApiErrorKeys.InvalidSchedule,
                    $"{field}: sync {upstreamId} was not found: use the id of one of your syncs",
                    field,
                    upstreamId);
            }
        }

        if (syncId is not { } id)
        {
            // A new sync has no id yet, so no other sync can run after it.
            return;
        }

        // Each pending sync carries the run-after entry of this schedule that leads to it, so that a loop is
        // reported at that entry.
        var visited = new HashSet<Guid>();
        var pending = new Stack<(Guid Sync, Guid Entry)>(existing.Select(upstreamId => (upstreamId, upstreamId)));
        while (pending.TryPop(out var item))
        {
            if (!visited.Add(item.Sync))
            {
                continue;
            }

            var upstream = await _syncs.GetAsync(organizationId, item.Sync, cancellationToken);
            if (upstream is null)
            {
                continue;
            }

            foreach (var next in ScheduleParser.Parse(upstream.Configuration.Schedule).UpstreamSyncIds())
            {
                if (next == id)
                {
                    var field = RunAfterPath(schedule, item.Entry);
                    var loop = item.Sync == item.Entry
                        ? $"sync {item.Sync} already runs after this sync, so the two would start each other in a loop"
                        : $"sync {item.Entry} runs, through its own run-after links, after sync {item.Sync}, which runs "
                            + "after this sync, so they would start each other in a loop";
                    throw ApiException.Unprocessable(
                        ApiErrorKeys.InvalidSchedule, $"{field}: {loop}: remove one of the links", field, item.Entry);
                }

                pending.Push((next, item.Entry));
            }
        }
    }

    /// <summary>Returns the JSON path of <paramref name="syncId"/> in the schedule's run-after lists.</summary>
    private static string RunAfterPath(Schedule schedule, Guid syncId)
    {
        var index = schedule.RunAfter?.SyncIds?.IndexOf(syncId) ?? -1;
        if (index >= 0)
        {
            return $"schedule.run_after.sync_ids[{index}]";
        }

        var parts = schedule.Schedules ?? [];
        for (var i = 0; i < parts.Count; i++)
        {
            var partIndex = parts[i]?.RunAfter?.SyncIds?.IndexOf(syncId) ?? -1;
            if (partIndex >= 0)
            {
                return $"schedule.schedules[{i}].run_after.sync_ids[{partIndex}]";
            }
        }

        return "schedule.run_after.sync_ids";
    }

    private async Task<(Connection Connection, IConnectorFactory Factory)> FindTargetConnectionAsync(
        Guid organizationId, SyncTarget target, CancellationToken cancellationToken)
    {
        if (target.ConnectionId == Guid.Empty)
        {
            throw ApiException.MissingField("target.connection_id");
        }

        var connection = await _connections.GetAsync(organizationId, target.ConnectionId, cancellationToken)
            ?? throw ApiException.Unprocessable(
                ApiErrorKeys.ConnectionNotFound,
                $"connection {target.ConnectionId} was not found: use the id of one of your connections",
                "target.connection_id",
                target.ConnectionId);
        var factory = _registry.Find(connection.Type);
        if (factory is null || !factory.Info.IsTarget)
        {
            throw ApiException.Unprocessable(
                ApiErrorKeys.ConnectionNotDestination,
                $"connection {connection.Id} of type {connection.Type} cannot be a sync target: use a destination connection",
                "target.connection_id",
                connection.Id);
        }

        return (connection, factory);
    }

    private async Task<TargetObjectInfo> DescribeTargetAsync(
        Connection connection, IConnectorFactory factory, SyncTarget target, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(target.Object))
        {
            throw ApiException.MissingField("target.object");
        }

        TargetObjectInfo? info;
        try
        {
            await using var connector = factory.CreateTarget(connection.Configuration, _environment);
            info = await connector.DescribeObjectAsync(target.Object, cancellationToken);
        }
        catch (InvalidTargetObjectException exception)
        {
            throw ApiException.Unprocessable(ApiErrorKeys.InvalidTargetName, exception.Message, "target.object", target.Object);
        }
        catch (ConnectorException exception)
        {
            throw ApiException.Unprocessable(
                ApiErrorKeys.ConnectionFailed,
                $"could not read target object {target.Object} on connection {connection.Id}: {exception.Message}",
                "target.object",
                target.Object);
        }

        return info ?? throw ApiException.Unprocessable(
            ApiErrorKeys.TargetObjectNotFound,
            $"target object {target.Object} does not exist on connection {connection.Id}: create it first, or use an existing object",
            "target.object",
            target.Object);
    }

    private static async Task CheckFieldAsync(
        SyncField? field,
        string path,
        TargetObjectInfo targetObject,
        ModelResolver models,
        HashSet<string> mappedTargets,
        bool creating,
        CancellationToken cancellationToken)
    {
        if (field is null)
        {
            throw ApiException.MissingField(path);
        }

        if (string.IsNullOrWhiteSpace(field.Target))
        {
            throw ApiException.MissingField($"{path}.target");
        }

        if (targetObject.FindField(field.Target) is null)
        {
            throw ApiException.Unprocessable(
                ApiErrorKeys.InvalidFieldMapping,
                $"target field {field.Target} does not exist on target object {targetObject.Id}",
                $"{path}.target",
                field.Target);
        }

        if (!mappedTargets.Add(field.Target))
        {
            throw ApiException.Unprocessable(
                ApiErrorKeys.DuplicateTargetField,
                $"target field {field.Target} is mapped more than once: map each target field once",
                $"{path}.target",
                field.Target);
        }

        // Every column of a table that the sync creates is new, so new: true only restates that.
        if (field.New == true && !creating && !targetObject.AcceptsAnyField)
        {
            throw Unsupported($"{path}.new", "creating target fields");
        }

        if (field.EncryptionEnabled == true)
        {
            throw Unsupported($"{path}.encryption_enabled", "field encryption");
        }

        if (field.SyncMode is not null && !FieldSyncModes.Contains(field.SyncMode, StringComparer.Ordinal))
        {
            throw ApiException.BadRequest(
                ApiErrorKeys.InvalidField,
                $"{path}.sync_mode {field.SyncMode} is not a field sync mode: use updateOrCreate or create",
                $"{path}.sync_mode",
                field.SyncMode);
        }

        if (field.OverrideValue is not null)
        {
            return;
        }

        if (field.Source is null)
        {
            throw ApiException.Unprocessable(
                ApiErrorKeys.InvalidFieldMapping,
                $"{path} has neither source nor override_value: set one of them",
                path);
        }

        await models.CheckFieldAsync(field.Source, $"{path}.source", cancellationToken);
    }

    private static async Task CheckIdentityAsync(
        SyncIdentity? identity,
        SyncMode mode,
        TargetObjectInfo targetObject,
        ModelResolver models,
        bool creating,
        CancellationToken cancellationToken)
    {
        if (identity is null)
        {
            if (mode.RequiresIdentity())
            {
                throw ApiException.Unprocessable(
                    ApiErrorKeys.MissingIdentity,
                    $"mode {mode.ToWire()} matches records by identity: set identity with a model field and a target field",
                    "identity");
            }

            return;
        }

        var function = identity.Function ?? throw ApiException.MissingField("identity.function");
        if (!IdentityFunctions.Contains(function, StringComparer.Ordinal))
        {
            throw ApiException.BadRequest(
                ApiErrorKeys.InvalidField,
                $"identity.function {function} is not an identity function: use one of {string.Join(", ", IdentityFunctions)}",
                "identity.function",
                function);
        }

        if (!string.Equals(function, EqualityFunction, StringComparison.Ordinal))
        {
            throw ApiException.Unprocessable(
                ApiErrorKeys.UnsupportedIdentityFunction,
                $"identity function {function} is not supported by this target: use Equality",
                "identity.function",
                function);
        }

        if (identity.NewField == true && !creating)
        {
            throw Unsupported("identity.new_field", "creating the identity field");
        }

        if (string.IsNullOrWhiteSpace(identity.Target))
        {
            throw ApiException.MissingField("identity.target");
        }

        var targetField = targetObject.FindField(identity.Target);
        if (targetField is null || !targetField.SupportsIdentity)
        {
            var candidates = targetObject.Fields.Where(f => f.SupportsIdentity).Select(f => f.Id).ToList();
            var reason = targetField switch
            {
                null => "does not exist",
                { IdentityProblem: { } problem } => $"cannot identify records because {problem}",
                _ => "is neither a primary key nor unique",
            };
            var hint = candidates.Count == 0
                ? $"add a primary key or unique index to {targetObject.Id}"
                : $"use one of {string.Join(", ", candidates)}";
            throw ApiException.Unprocessable(
                ApiErrorKeys.InvalidIdentity,
                $"identity target field {identity.Target} {reason}: {hint}",
                "identity.target",
                identity.Target);
        }

        var source = identity.Source ?? throw ApiException.MissingField("identity.source");
        await models.CheckFieldAsync(source, "identity.source", cancellationToken);
    }

    /// <summary>
    /// Rejects a mapping that writes something other than the identity's model field into the identity's target
    /// field, because the record would then be matched by one value and written with another.
    /// </summary>
    private static void CheckIdentityMappings(SyncIdentity? identity, List<SyncField> fields, string path)
    {
        if (identity?.Target is null)
        {
            return;
        }

        for (var i = 0; i < fields.Count; i++)
        {
            var field = fields[i];
            if (!string.Equals(field.Target, identity.Target, StringComparison.Ordinal))
            {
                continue;
            }

            var sameSource = field.OverrideValue is null
                && field.Source is not null
                && identity.Source is not null
                && field.Source.ModelId == identity.Source.ModelId
                && string.Equals(field.Source.Field, identity.Source.Field, StringComparison.Ordinal);
            if (!sameSource)
            {
                throw ApiException.Unprocessable(
                    ApiErrorKeys.InvalidFieldMapping,
                    $"{path}[{i}] writes to {identity.Target}, the identity's target field, which receives the identity's "
                    + $"model field {identity.Source?.Field}: remove this mapping",
                    $"{path}[{i}].target",
                    field.Target);
            }
        }
    }

    private static ApiException Unsupported(string field, string feature) => ApiException.Unprocessable(
        ApiErrorKeys.UnsupportedOption,
        $"{field}: {feature} is not supported yet; remove {field} from the request",
        field);

    /// <summary>Loads the models a configuration references and checks that they are one model of the organization.</summary>
    private sealed class ModelResolver
    {
        private readonly IModelStore _store;
        private readonly Guid _organizationId;
        private Model? _model;

        public ModelResolver(IModelStore store, Guid organizationId)
        {
            _store = store;
            _organizationId = organizationId;
        }

        public Model? Model => _model;

        public async Task CheckFieldAsync(SourceField source, string path, CancellationToken cancellationToken)
        {
            if (source.ModelId == Guid.Empty)
            {
                throw ApiException.MissingField($"{path}.model_id");
            }

            if (_model is not null && _model.Id != source.ModelId)
            {
                throw ApiException.Unprocessable(
                    ApiErrorKeys.MultipleModelsUnsupported,
                    $"{path}.model_id {source.ModelId} differs from model {_model.Id} used before: a sync reads one model",
                    $"{path}.model_id",
                    source.ModelId);
            }

            _model ??= await _store.GetAsync(_organizationId, source.ModelId, cancellationToken)
                ?? throw ApiException.Unprocessable(
                    ApiErrorKeys.ModelNotFound,
                    $"model {source.ModelId} was not found: use the id of one of your models",
                    $"{path}.model_id",
                    source.ModelId);

            if (string.IsNullOrWhiteSpace(source.Field))
            {
                throw ApiException.MissingField($"{path}.field");
            }

            if (!_model.Fields.Any(f => string.Equals(f.Name, source.Field, StringComparison.Ordinal)))
            {
                throw ApiException.Unprocessable(
                    ApiErrorKeys.UnknownModelField,
                    $"model field {source.Field} does not exist in model {_model.Id}: use one of "
                    + string.Join(", ", _model.Fields.Select(f => f.Name)),
                    $"{path}.field",
                    source.Field);
            }
        }
    }
}
