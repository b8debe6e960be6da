namespace Outflow.Core.Connectors;

/// <summary>
/// A target object id that the connection can never use, such as a file name with a slash. The message states the
/// rule that the id breaks.
/// </summary>
public sealed class InvalidTargetObjectException(string objectId, string message)
    : ConnectorException(message, isTransient: false)
{
    public string ObjectId { get; } = objectId;
}
