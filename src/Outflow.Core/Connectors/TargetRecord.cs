namespace Outflow.Core.Connectors;

/// <summary>
/// One record to write. <see cref="Identity"/> is the identity value as the target field receives it;
/// <see cref="Values"/> follow <see cref="WriteBatch.Fields"/> and use the value types of
/// <see cref="ISourceReader"/>. Deletes carry an empty array. <see cref="RecordOperation.Append"/> records
/// carry a key of the engine's in <see cref="Identity"/>, which the target does not write.
/// </summary>
public sealed record TargetRecord(RecordOperation Operation, object Identity, object?[] Values);
