using Outflow.Core.Connectors;

namespace Outflow.Connectors.PostgreSql;

/// <summary>
/// A writable column of a target table. <see cref="CastType"/> is the column's type without its modifier
/// (<c>character varying</c> for <c>character varying(10)</c>), which parameters are cast to.
/// </summary>
internal sealed record PostgreSqlColumn(
    string Name,
    string RemoteType,
    string CastType,
    FieldType Type,
    bool Required,
    bool SupportsIdentity);
