namespace Outflow.Core.Connectors;

/// <summary>
/// A source value that has no exact reader-contract value, such as a PostgreSQL numeric with more digits than a
/// decimal holds. The engine turns its row into a record error instead of failing the execution.
/// </summary>
public sealed record UnreadableValue(string Message);
