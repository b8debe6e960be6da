namespace Outflow.Store;

/// <summary>One numbered schema script, applied in its own transaction and recorded in <c>schema_migrations</c>.</summary>
internal sealed record StoreMigration(int Version, string Name, string Sql);
