namespace Outflow.Engine.Tests.Running;

/// <summary>The database an <see cref="EngineHarness"/> writes to.</summary>
public enum TargetKind
{
    /// <summary>A fresh PostgreSQL database; table ids are <c>public.name</c>.</summary>
    PostgreSql,

    /// <summary>A SQLite file in the files root; table ids are the bare table names.</summary>
    Sqlite,
}
