namespace Outflow.Core.Connectors;

/// <summary>Writes records to objects of a target connection.</summary>
public interface ITargetConnector : IAsyncDisposable
{
    Task<IReadOnlyList<TargetObjectInfo>> ListObjectsAsync(CancellationToken cancellationToken);

    /// <summary>Describes one object; returns null when it does not exist.</summary>
    Task<TargetObjectInfo?> DescribeObjectAsync(string objectId, CancellationToken cancellationToken);

    /// <summary>
    /// Writes a batch and returns one result per record, in order. A target that writes a batch
    /// atomically throws for the whole batch instead of returning <see cref="RecordOutcome.Failed"/>, and the
    /// engine splits the batch to find the failing records.
    /// </summary>
    /// <exception cref="ConnectorException">The batch was not written (nothing of it is in the target).</exception>
    Task<IReadOnlyList<RecordResult>> WriteAsync(WriteBatch batch, CancellationToken cancellationToken);

    /// <summary>
    /// Checks which identity values have a record in an object, comparing as the write statements match records.
    /// Returns one flag per value, in order. <paramref name="identities"/> use the value types of
    /// <see cref="ISourceReader"/>, as <see cref="TargetRecord.Identity"/> does. A value that the identity field cannot
    /// hold (text "abc" for an integer column) returns false.
    /// </summary>
    /// <exception cref="ConnectorException">The object does not exist, the field cannot identify records, or the lookup failed.</exception>
    Task<IReadOnlyList<bool>> ContainsAsync(
        string objectId, string identityField, IReadOnlyList<object> identities, CancellationToken cancellationToken);
}
