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

    /// <summary>
    /// Length of an execution lease (<c>OUTFLOW_EXECUTION_LEASE_SECONDS</c>). Another worker may take the execution over
    /// once its owner has not renewed the lease for this long.
    /// </summary>
    public TimeSpan ExecutionLease { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Maximum idle time of a database target's write session inside an open transaction, after which the server ends the
    /// session and rolls the transaction back: a third of <see cref="ExecutionLease"/>, at most 10 s and at least 1 s.
    /// A worker checks its lease before each batch with at least half a lease left, so a worker paused between a batch's
    /// statements and its commit loses that transaction before another worker can take the execution over.
    /// </summary>
    public TimeSpan TargetIdleTransactionTimeout =>
        TimeSpan.FromMilliseconds(Math.Clamp(Math.Floor(ExecutionLease.TotalMilliseconds / 3), 1_000, 10_000));
}
