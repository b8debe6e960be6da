using Outflow.Core.Connectors;

namespace Outflow.Connectors.Sqlite;

/// <summary>A writable column of a target table.</summary>
internal sealed record SqliteColumn(string Name, string DeclaredType, SqliteAffinity Affinity, FieldType Type, bool Required, bool SupportsIdentity);
