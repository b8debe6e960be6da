namespace Outflow.Core.Connectors;

/// <summary>
/// A string property that creating a target object takes, such as the schema of a new PostgreSQL table. When
/// <see cref="IsEnum"/> is true, <see cref="ITargetConnector.ListCreationValuesAsync"/> lists its legal values.
/// <see cref="Default"/> is the value used when a request leaves the property out, unless
/// <see cref="ITargetConnector.GetCreationDefault"/> returns another one for the connection.
/// </summary>
public sealed record TargetCreationProperty(string Id, string Title, bool IsEnum, string? Default = null);

/// <summary>
/// A column of a table to create: its name and the field type of the values it receives. <see cref="SourceType"/>,
/// the model field's type name in its source database, refines the connector's mapping of that field type (an
/// integer source type gets an integer column). <see cref="RemoteType"/>, when set, is the database type to use
/// instead of the mapping.
/// </summary>
public sealed record NewTargetColumn(string Name, FieldType Type, string? SourceType = null, string? RemoteType = null)
{
    /// <summary>
    /// True when <see cref="SourceType"/> contains <c>int</c>, compared without case, as integer type names do (bigint,
    /// INTEGER, tinyint unsigned). Only number fields use it, so a name such as interval does not matter.
    /// </summary>
    public bool HasIntegerSource => SourceType?.Contains("int", StringComparison.OrdinalIgnoreCase) == true;

    /// <summary>True when <see cref="SourceType"/> contains <c>double</c>, <c>float</c> or <c>real</c>, compared without case.</summary>
    public bool HasFloatSource =>
        SourceType is { } source
        && (source.Contains("double", StringComparison.OrdinalIgnoreCase) || source.Contains("float", StringComparison.OrdinalIgnoreCase)
            || source.Contains("real", StringComparison.OrdinalIgnoreCase));
}

/// <summary>
/// A table to create: its name, the creation properties (keys from <see cref="ConnectionTypeInfo.TargetCreation"/>),
/// its columns in order, and the column that becomes the primary key, if any.
/// </summary>
public sealed record NewTargetObject(
    string Name,
    IReadOnlyDictionary<string, string> Properties,
    IReadOnlyList<NewTargetColumn> Columns,
    string? PrimaryKey)
{
    public bool IsPrimaryKey(NewTargetColumn column) => string.Equals(column.Name, PrimaryKey, StringComparison.Ordinal);
}

/// <summary>Creating a target object failed because an object with its id already exists.</summary>
public sealed class TargetObjectExistsException(string objectId, Exception? innerException = null)
    : ConnectorException($"target object {objectId} already exists", isTransient: false, innerException)
{
    public string ObjectId { get; } = objectId;
}
