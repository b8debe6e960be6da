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
}
