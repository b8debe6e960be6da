namespace Outflow.Engine.Tests.Running;

/// <summary>The database an <see cref="EngineHarness"/> reads models from.</summary>
public enum SourceKind
{
    /// <summary>A SQLite file in the files root.</summary>
    Sqlite,

    /// <summary>A fresh PostgreSQL database, separate from the target's.</summary>
    PostgreSql,
}
