namespace Outflow.Core.Executions;

/// <summary>A record the sync wrote: its identity's hash, the identity as text and the hash of the values written.</summary>
public sealed record StateEntry(UInt128 IdentityHash, string Identity, UInt128 RowHash);
