namespace Outflow.Core.Connectors;

/// <summary>
/// A table or view that a model can read: <paramref name="Id"/> as <see cref="ModelSource.Table"/> takes it, and the
/// schema it belongs to, or null where the database has no schemas.
/// </summary>
public sealed record SourceTable(string Id, string? Schema);
