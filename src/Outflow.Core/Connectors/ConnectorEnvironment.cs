namespace Outflow.Core.Connectors;

/// <summary>
/// Server settings a connector needs. <see cref="FilesRoot"/> is an absolute path and the only
/// directory that file-based connections (<c>sqlite</c>, <c>files</c>) may touch.
/// </summary>
/// <remarks>NOTE: every organization of a server shares this one root, so their file connections can reach each other's files.</remarks>
public sealed record ConnectorEnvironment(string FilesRoot)
{
    /// <summary>
    /// Whether network connectors may reach loopback, private, link-local and unspecified addresses. Off by default so
    /// that a user who can create connections cannot make the server call its own network.
    /// </summary>
    public bool AllowPrivateNetworks { get; init; }

    /// <summary>
    /// The running sync's <c>encryption_passphrase</c>, which only <c>files</c> targets use to encrypt what they write;
    /// null outside an execution and for syncs without one.
    /// </summary>
    public string? EncryptionPassphrase { get; init; }
}
