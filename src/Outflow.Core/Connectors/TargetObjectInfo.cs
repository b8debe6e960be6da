using Outflow.Core.Syncs;

namespace Outflow.Core.Connectors;

/// <summary>A target object (a table, a file, a resource), its fields and the sync modes it supports.</summary>
public sealed record TargetObjectInfo(
    string Id,
    string Name,
    IReadOnlyList<TargetFieldInfo> Fields,
    IReadOnlyList<SyncMode> Modes)
{
    /// <summary>
    /// Whether the object takes fields it does not list, as a file or a webhook does, where each mapped field becomes
    /// a column or a property. Such an object lists the fields it already has, or none.
    /// </summary>
    public bool AcceptsAnyField { get; init; }

    /// <summary>
    /// The fields that append mode must write, every one of them and in this order, or null when appended records may
    /// have any fields. A CSV file with a header sets it, because each appended row must line up with that header.
    /// </summary>
    public IReadOnlyList<string>? AppendFields { get; init; }

    /// <summary>
    /// Returns the listed field whose id or name is <paramref name="name"/>. On an object that accepts any field, an
    /// unlisted name gets a text field that may identify records.
    /// </summary>
    public TargetFieldInfo? FindField(string name) =>
        Fields.FirstOrDefault(f => string.Equals(f.Id, name, StringComparison.Ordinal))
        ?? Fields.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.Ordinal))
        ?? (AcceptsAnyField ? new TargetFieldInfo(name, name, FieldType.String, "any", Required: false, SupportsIdentity: true) : null);
}
