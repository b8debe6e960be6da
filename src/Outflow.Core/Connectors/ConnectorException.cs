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

    /// <summary>
    /// True when the failure came while the target committed the write, so the write may have taken effect. A retry
    /// may then find the records that the failed attempt wrote.
    /// </summary>
    public bool MayHaveCommitted { get; init; }
}
