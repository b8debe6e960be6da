using Outflow.Core.Connectors;

namespace Outflow.Core.Models;

/// <summary>A column of a model, discovered from the source or added by the user.</summary>
public sealed record ModelField(
    Guid Id,
    string Name,
    string Label,
    FieldType Type,
    string RemoteType,
    bool UserAdded,
    DateTimeOffset CreatedAt);
