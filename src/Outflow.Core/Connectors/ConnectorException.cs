namespace Outflow.Core.Connectors;

/// <summary>
/// A failure reported by a source or target system, with a message that is safe to show the user
/// (it never contains credentials). <see cref="IsTransient"/> marks failures worth retrying:
/// lost connections, timeouts, serialization conflicts.
/// </summary>
public class ConnectorException : Exception
{
    public ConnectorException(string message, bool isTransient = false, Exception? innerException = null)
        : base(message, innerException)
    {
        IsTransient = isTransient;
    }

    public bool IsTransient { get; }
}
