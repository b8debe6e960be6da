using Outflow.Api.Contracts;
using Outflow.Core.Connectors;
using Outflow.Core.Syncs;

namespace Outflow.Api.Discovery;

/// <summary>Builds the discovery responses of target objects from what the target connector reports.</summary>
internal static class TargetDescriptions
{
    /// <summary>Database targets compare identities exactly, so <c>Equality</c> is the only identity function they take.</summary>
    private static readonly List<IdentityFunctionResponse> IdentityFunctions = [new("Equality", "Equality")];

    private static readonly Dictionary<SyncMode, (string Label, string Description)> ModeTexts = new()
    {
        [SyncMode.Create] = ("Create", "Inserts records whose identity the target lacks and leaves existing records untouched."),
        [SyncMode.Update] = ("Update", "Updates records matched by identity; a model row without a target record is a warning."),
        [SyncMode.UpdateOrCreate] = ("Update or create", "Updates records matched by identity and inserts the others."),
        [SyncMode.Replace] = (
            "Replace",
            "Upserts by identity, then deletes the records this sync wrote whose rows left the model."),
        [SyncMode.Append] = ("Append", "Inserts every new or changed row as a new record, without matching."),
        [SyncMode.Remove] = ("Remove", "Deletes the target records whose identity matches a model row."),
        [SyncMode.Snapshot] = (
            "Snapshot",
            $"Inserts every row on every execution, with the execution's id in {SnapshotColumns.ExecutionId} and its time in {SnapshotColumns.SnapshotAt}."),
    };

    public static TargetObjectResponse ToObject(TargetObjectInfo info) =>
        new(info.Id, info.Name, info.Modes.Select(ToSupportedMode).ToList());

    public static TargetResponse ToTarget(TargetObjectInfo info, DateTimeOffset readAt, bool targetCreator) => new()
    {
        Id = info.Id,
        Name = info.Name,
        Fields = info.Fields.Select(ToField).ToList(),
        Modes = info.Modes.Select(ToMode).ToList(),
        Properties = new DestinationPropertiesResponse
        {
            DoesNotReportOperationCounts = false,
            MappingsNotRequired = false,
            OptionalTargetMappings = false,
            RequiresConfiguration = false,
            SupportsFieldCreation = false,
            SupportsFieldEncryption = false,
            SupportsFieldTypeSelection = false,
            SupportsIdentityFieldCreation = false,
            SupportsTargetFilters = false,
            TargetCreator = targetCreator,
            UseFieldNamesAsLabels = true,
        },
        RefreshedAt = readAt,
    };

    /// <summary>
    /// Returns true for modes in which a mapping's <c>sync_mode: create</c> has an effect: those that update records
    /// they matched. The others only insert new records or delete.
    /// </summary>
    private static bool SupportsFieldSyncMode(SyncMode mode) =>
        mode is SyncMode.Update or SyncMode.UpdateOrCreate or SyncMode.Replace;

    private static SupportedModeResponse ToSupportedMode(SyncMode mode) =>
        new(mode.ToWire(), mode.RequiresIdentity(), SupportsFieldSyncMode(mode), SupportsTargetFilters: false);

    private static TargetModeResponse ToMode(SyncMode mode)
    {
        var (label, description) = ModeTexts[mode];
        return new(mode.ToWire(), label, description, mode.RequiresIdentity(), SupportsFieldSyncMode(mode), SupportsTargetFilters: false);
    }

    private static TargetFieldResponse ToField(TargetFieldInfo field) => new()
    {
        Id = field.Id,
        Name = field.Name,
        Type = field.Type.ToString().ToLowerInvariant(),
        SourceType = field.RemoteType,
        Description = DescribeIdentity(field),
        Required = field.Required,
        Createable = true,
        Updateable = true,
        Filterable = false,
        Encryptable = false,
        Association = false,
        SupportsIdentity = field.SupportsIdentity,
        IdentityFunctions = field.SupportsIdentity ? IdentityFunctions : [],
    };

    /// <summary>Says how an identity field compares values, or why a field cannot identify records; null when neither applies.</summary>
    private static string? DescribeIdentity(TargetFieldInfo field)
    {
        if (!field.SupportsIdentity)
        {
            return field.IdentityProblem is { } problem ? $"cannot identify records because {problem}" : null;
        }

        var rules = new List<string>();
        if (field.Comparison.HasFlag(IdentityComparison.IgnoreCase))
        {
            rules.Add("ignoring case");
        }
        else if (field.Comparison.HasFlag(IdentityComparison.IgnoreAsciiCase))
        {
            rules.Add("ignoring the case of ASCII letters");
        }

        if (field.Comparison.HasFlag(IdentityComparison.IgnoreTrailingSpaces))
        {
            rules.Add("ignoring trailing spaces");
        }

        return rules.Count == 0 ? null : "identity values match " + string.Join(" and ", rules);
    }
}
