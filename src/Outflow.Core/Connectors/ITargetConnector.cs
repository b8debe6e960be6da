namespace Outflow.Core.Connectors;

/// <summary>Writes records to objects of a target connection.</summary>
public interface ITargetConnector : IAsyncDisposable
{
    Task<IReadOnlyList<TargetObjectInfo>> ListObjectsAsync(CancellationToken cancellationToken);

    /// <summary>Describes one object; returns null when it does not exist.</summary>
    /// <exception cref="InvalidTargetObjectException"><paramref name="objectId"/> breaks a naming rule of the connection.</exception>
    /// <exception cref="ConnectorException">The object could not be read.</exception>
    Task<TargetObjectInfo?> DescribeObjectAsync(string objectId, CancellationToken cancellationToken);

    /// <summary>
    /// Writes a batch and returns one result per record, in order. A target that writes a batch
    /// atomically throws for the whole batch instead of returning <see cref="RecordOutcome.Failed"/>, and the
    /// engine splits the batch to find the failing records. It may also return <see cref="RecordOutcome.Failed"/> for
    /// records it found failing and left out of the batch's transaction, as the PostgreSQL target does.
    /// </summary>
    /// <exception cref="ConnectorException">The batch was not written (nothing of it is in the target).</exception>
    Task<IReadOnlyList<RecordResult>> WriteAsync(WriteBatch batch, CancellationToken cancellationToken);

    /// <summary>
    /// How many records the engine passes to one <see cref="WriteAsync"/> call. Databases write large batches in about
    /// the time of small ones, while a webhook sends each batch as one request.
    /// </summary>
    int PreferredBatchSize => 500;

    /// <summary>
    /// Checks which identity values have a record in an object, comparing as the write statements match records.
    /// Returns one flag per value, in order. <paramref name="identities"/> use the value types of
    /// <see cref="ISourceReader"/>, as <see cref="TargetRecord.Identity"/> does. A value that the identity field cannot
    /// hold (text "abc" for an integer column) returns false.
    /// </summary>
    /// <exception cref="ConnectorException">The object does not exist, the field cannot identify records, or the lookup failed.</exception>
    Task<IReadOnlyList<bool>> ContainsAsync(
        string objectId, string identityField, IReadOnlyList<object> identities, CancellationToken cancellationToken);

    /// <summary>Lists the legal values of an enum creation property, in display order.</summary>
    /// <exception cref="NotSupportedException">The type cannot create target objects, or has no such enum property.</exception>
    /// <exception cref="ConnectorException">The values could not be read.</exception>
    Task<IReadOnlyList<string>> ListCreationValuesAsync(string propertyId, CancellationToken cancellationToken) =>
        throw new NotSupportedException("this target type cannot create target objects");

    /// <summary>
    /// Returns the value that a creation property takes when a request leaves it out, or null when it has none. The
    /// default is <see cref="TargetCreationProperty.Default"/>. A connector overrides this when the value depends on the
    /// connection, such as the database that a MySQL connection logs in to.
    /// </summary>
    string? GetCreationDefault(TargetCreationProperty property) => property.Default;

    /// <summary>Returns the object id that a table created with this name and these properties gets.</summary>
    /// <exception cref="NotSupportedException">The type cannot create target objects.</exception>
    string ToNewObjectId(string name, IReadOnlyDictionary<string, string> properties) =>
        throw new NotSupportedException("this target type cannot create target objects");

    /// <summary>
    /// Checks a name for a new table (<paramref name="isTable"/>) or one of its columns without contacting the
    /// database; returns why the database cannot use it, or null when it can.
    /// </summary>
    /// <exception cref="NotSupportedException">The type cannot create target objects.</exception>
    string? CheckNewName(string name, bool isTable) =>
        throw new NotSupportedException("this target type cannot create target objects");

    /// <summary>
    /// Compares the column names of a new table as the database does, so two names it takes for one column are
    /// rejected before the table is created. MySQL, for example, compares column names without case.
    /// </summary>
    StringComparer NewColumnNameComparer => StringComparer.Ordinal;

    /// <summary>Checks that a column type name names a type of this database; returns why not, or null when it does.</summary>
    /// <exception cref="NotSupportedException">The type cannot create target objects.</exception>
    /// <exception cref="ConnectorException">The database could not be asked.</exception>
    Task<string?> CheckColumnTypeAsync(string typeName, CancellationToken cancellationToken) =>
        throw new NotSupportedException("this target type cannot create target objects");

    /// <summary>Creates a table and returns its description, as <see cref="DescribeObjectAsync"/> would.</summary>
    /// <exception cref="NotSupportedException">The type cannot create target objects.</exception>
    /// <exception cref="TargetObjectExistsException">An object with the new table's id already exists.</exception>
    /// <exception cref="ConnectorException">The table was not created.</exception>
    Task<TargetObjectInfo> CreateObjectAsync(NewTargetObject newObject, CancellationToken cancellationToken) =>
        throw new NotSupportedException("this target type cannot create target objects");

    /// <summary>Drops a table, to undo <see cref="CreateObjectAsync"/> when the sync that requested it was not saved.</summary>
    /// <exception cref="NotSupportedException">The type cannot create target objects.</exception>
    /// <exception cref="ConnectorException">The table could not be dropped.</exception>
    Task DropObjectAsync(string objectId, CancellationToken cancellationToken) =>
        throw new NotSupportedException("this target type cannot create target objects");
}
