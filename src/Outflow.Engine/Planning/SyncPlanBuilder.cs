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
        if (execution.Type == ExecutionTypes.DryRun)
        {
            // TODO: dry runs (counts and record logs without writing) are not built yet.
            throw new ExecutionFailedException("dry-run executions are not supported yet. Start a normal or test execution");
        }

        var mode = ResolveMode(configuration);
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

        var modelIds = configuration.ReferencedModelIds();
        if (modelIds.Count != 1)
        {
            throw new ExecutionFailedException(
                $"the sync references {modelIds.Count} models. A sync reads exactly one model, so map every field from the same model");
        }

        RejectUnsupported(configuration);
        var target = configuration.Target;
        if (target is null || string.IsNullOrEmpty(target.Object))
        {
            throw new ExecutionFailedException("the sync has no target object. Set target.object");
        }

        var (fields, sources) = ResolveFields(configuration, identitySource, identity.Target);
        var options = execution.Options;
        var identities = options.Identities is { Count: > 0 } listed
            ? listed.ToHashSet(StringComparer.Ordinal)
            : null;
        return new SyncPlan
        {
            Mode = mode,
            ModelId = modelIds[0],
            TargetConnectionId = target.ConnectionId,
            TargetObject = target.Object,
            IdentitySourceField = identitySource,
            IdentityTargetField = identity.Target,
            TargetFields = fields,
            Sources = sources,
            IdentityFieldIndex = fields.IndexOf(identity.Target),
            TreatAllAsChanged = options.Resync || options.Test || configuration.SyncAllRecords == true,
            IsTest = options.Test,
            Identities = identities,
            RowLimit = options.Test && identities is null ? TestRowLimit : null,
        };
    }

    private static SyncMode ResolveMode(SyncConfiguration configuration)
    {
        if (configuration.Mode is not { } mode)
        {
            throw new ExecutionFailedException("the sync has no mode. Set mode to create, update, updateOrCreate or replace");
        }

        if (mode is not (SyncMode.Create or SyncMode.Update or SyncMode.UpdateOrCreate or SyncMode.Replace))
        {
            throw new ExecutionFailedException(
                $"mode {mode.ToWire()} is not supported yet. Use create, update, updateOrCreate or replace");
        }

        return mode;
    }

    private static void RejectUnsupported(SyncConfiguration configuration)
    {
        // Ignoring these would write rows the user excluded or values they replaced, so the run stops instead.
        if (configuration.Filters is { Count: > 0 })
        {
            throw new ExecutionFailedException("filters are not supported yet. Remove the sync's filters to run it");
        }

        if (configuration.Overrides is { Count: > 0 })
        {
            throw new ExecutionFailedException("overrides are not supported yet. Remove the sync's overrides to run it");
        }
    }

    private static (List<string> Fields, List<FieldSource> Sources) ResolveFields(
        SyncConfiguration configuration, string identitySource, string identityTarget)
    {
        var fields = new List<string>();
        var sources = new List<FieldSource>();
        AddMappings(configuration.Fields ?? [], "fields", replaceExisting: false, fields, sources);

        // Override fields set a value for a target field regardless of the mapping.
        AddMappings(configuration.OverrideFields ?? [], "override_fields", replaceExisting: true, fields, sources);

        var identityIndex = fields.IndexOf(identityTarget);
        if (identityIndex < 0)
        {
            fields.Add(identityTarget);
            sources.Add(new FieldSource(identitySource, null));
        }
        else if (sources[identityIndex] != new FieldSource(identitySource, null))
        {
            throw new ExecutionFailedException(
                $"target field \"{identityTarget}\" is the identity, which takes model field \"{identitySource}\", " +
                "but a mapping writes another value to it. Map it from the identity's model field or remove that mapping");
        }

        return (fields, sources);
    }

    private static void AddMappings(
        List<SyncField> mappings, string path, bool replaceExisting, List<string> fields, List<FieldSource> sources)
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
                throw new ExecutionFailedException(
                    $"{path}[{i}].sync_mode \"create\" is not supported yet. Remove it to write the field on every change");
            }

            FieldSource source;
            if (mapping.OverrideValue is not null)
            {
                source = new FieldSource(null, mapping.OverrideValue);
            }
            else if (!string.IsNullOrEmpty(mapping.Source?.Field))
            {
                source = new FieldSource(mapping.Source.Field, null);
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
