using Outflow.Core.Connectors;
using Outflow.Core.Executions;
using Outflow.Core.Syncs;

namespace Outflow.Engine.Planning;

/// <summary>
/// Resolves an execution's configuration snapshot into a <see cref="SyncPlan"/>. The API validates
/// configurations when they are saved. These checks guard the engine against anything it cannot run and
/// fail the execution with a message saying which setting to change.
/// </summary>
internal static class SyncPlanBuilder
{
    /// <summary>The number of rows a test run takes when it lists no identities.</summary>
    public const int TestRowLimit = 10;

    /// <exception cref="ExecutionFailedException">The configuration cannot be run.</exception>
    public static SyncPlan Build(Execution execution)
    {
        var configuration = execution.Configuration;
        var mode = configuration.Mode
            ?? throw new ExecutionFailedException("the sync has no mode. Set mode to one of " + string.Join(", ", SyncModes.WireNames));
        var (identitySource, identityTarget) = ResolveIdentity(configuration, mode);
        var modelIds = configuration.ReferencedModelIds();
        if (modelIds.Count != 1)
        {
            throw new ExecutionFailedException(
                $"the sync references {modelIds.Count} models. A sync reads exactly one model, so map every field from the same model");
        }

        var target = configuration.Target;
        if (target is null || string.IsNullOrEmpty(target.Object))
        {
            throw new ExecutionFailedException("the sync has no target object. Set target.object");
        }

        var (fields, sources, createOnly) = ResolveFields(configuration, identitySource, identityTarget);
        if (mode == SyncMode.Snapshot)
        {
            // Each copy carries the execution that wrote it; the creation time stays the same when a run resumes.
            AddSnapshotField(fields, sources, SnapshotColumns.ExecutionId, execution.Id.ToString());
            AddSnapshotField(fields, sources, SnapshotColumns.SnapshotAt, execution.CreatedAt.ToUniversalTime());
        }

        var options = execution.Options;
        var sendAll = options.Resync || configuration.SyncAllRecords == true;
        var identities = options.Identities is { Count: > 0 } listed
            ? listed.ToHashSet(StringComparer.Ordinal)
            : null;
        if (identities is not null && identitySource is null)
        {
            throw new ExecutionFailedException(
                $"mode {mode.ToWire()} does not match records by identity, so identities cannot select rows. Start the sync without identities");
        }

        return new SyncPlan
        {
            Mode = mode,
            ModelId = modelIds[0],
            TargetConnectionId = target.ConnectionId,
            TargetObject = target.Object,
            IdentitySourceField = identitySource,
            IdentityTargetField = identityTarget,
            TargetFields = fields,
            Sources = sources,
            IdentityFieldIndex = identityTarget is null ? -1 : fields.IndexOf(identityTarget),
            CreateOnlyFields = createOnly,
            Filters = configuration.Filters ?? [],
            FilterLogic = configuration.FilterLogic,
            Overrides = configuration.Overrides ?? [],
            TreatAllAsChanged = options.Test || (identitySource is not null && sendAll),
            ContentKeySuffix = identitySource is null && sendAll ? "@" + execution.Id.ToString("N") : null,
            IsTest = options.Test,
            IsDryRun = execution.Type == ExecutionTypes.DryRun,
            Identities = identities,
            RowLimit = options.Test && identities is null ? TestRowLimit : null,
        };
    }

    /// <summary>Returns the identity's model and target fields, or two nulls for modes that do not match records.</summary>
    private static (string? Source, string? Target) ResolveIdentity(SyncConfiguration configuration, SyncMode mode)
    {
        if (!mode.RequiresIdentity())
        {
            // Append and snapshot add every row as a new record, so an identity in the configuration plays no part.
            return (null, null);
        }

        var identity = configuration.Identity;
        var identitySource = identity?.Source?.Field;
        if (identity is null || string.IsNullOrEmpty(identitySource) || string.IsNullOrEmpty(identity.Target))
        {
            throw new ExecutionFailedException(
                $"mode {mode.ToWire()} needs an identity with a model field and a target field. Set the sync's identity");
        }

        if (identity.Function is not null && !string.Equals(identity.Function, "Equality", StringComparison.Ordinal))
        {
            throw new ExecutionFailedException(
                $"identity function \"{identity.Function}\" is not supported for this target. Use Equality");
        }

        return (identitySource, identity.Target);
    }

    private static void AddSnapshotField(List<string> fields, List<FieldSource> sources, string column, object value)
    {
        if (fields.Contains(column))
        {
            throw new ExecutionFailedException(
                $"target field \"{column}\" is filled by snapshot mode, but a mapping also writes it. Remove that mapping");
        }

        fields.Add(column);
        sources.Add(FieldSource.FromConstant(value));
    }

    private static (List<string> Fields, List<FieldSource> Sources, HashSet<string> CreateOnly) ResolveFields(
        SyncConfiguration configuration, string? identitySource, string? identityTarget)
    {
        var fields = new List<string>();
        var sources = new List<FieldSource>();
        var createOnly = new HashSet<string>(StringComparer.Ordinal);
        AddMappings(configuration.Fields ?? [], "fields", replaceExisting: false, fields, sources, createOnly);

        // Override fields set a value for a target field regardless of the mapping.
        AddMappings(configuration.OverrideFields ?? [], "override_fields", replaceExisting: true, fields, sources, createOnly);
        if (identitySource is null || identityTarget is null)
        {
            return (fields, sources, createOnly);
        }

        // The identity is what matches a record, so it is always written.
        createOnly.Remove(identityTarget);
        var identityIndex = fields.IndexOf(identityTarget);
        if (identityIndex < 0)
        {
            fields.Add(identityTarget);
            sources.Add(FieldSource.FromModel(identitySource));
        }
        else if (sources[identityIndex] != FieldSource.FromModel(identitySource))
        {
            throw new ExecutionFailedException(
                $"target field \"{identityTarget}\" is the identity, which takes model field \"{identitySource}\", " +
                "but a mapping writes another value to it. Map it from the identity's model field or remove that mapping");
        }

        return (fields, sources, createOnly);
    }

    private static void AddMappings(
        List<SyncField> mappings,
        string path,
        bool replaceExisting,
        List<string> fields,
        List<FieldSource> sources,
        HashSet<string> createOnly)
    {
        for (var i = 0; i < mappings.Count; i++)
        {
            var mapping = mappings[i];
            if (string.IsNullOrEmpty(mapping.Target))
            {
                throw new ExecutionFailedException($"{path}[{i}] has no target field. Set {path}[{i}].target");
            }

            if (string.Equals(mapping.SyncMode, "create", StringComparison.Ordinal))
            {
                createOnly.Add(mapping.Target);
            }
            else
            {
                createOnly.Remove(mapping.Target);
            }

            FieldSource source;
            if (mapping.OverrideValue is not null)
            {
                source = FieldSource.FromConstant(mapping.OverrideValue);
            }
            else if (!string.IsNullOrEmpty(mapping.Source?.Field))
            {
                source = FieldSource.FromModel(mapping.Source.Field);
            }
            else
            {
                throw new ExecutionFailedException(
                    $"{path}[{i}] has neither a model field nor override_value. Set {path}[{i}].source.field");
            }

            var existing = fields.IndexOf(mapping.Target);
            if (existing < 0)
            {
                fields.Add(mapping.Target);
                sources.Add(source);
            }
            else if (replaceExisting)
            {
                sources[existing] = source;
            }
            else
            {
                throw new ExecutionFailedException(
                    $"{path}[{i}] writes target field \"{mapping.Target}\", which an earlier mapping already writes. Keep one of them");
            }
        }
    }
}
