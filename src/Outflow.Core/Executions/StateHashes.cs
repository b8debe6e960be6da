namespace Outflow.Core.Executions;

/// <summary>The hashes of a record the sync wrote, without its identity: its identity's hash and the hash of the values written.</summary>
public readonly record struct StateHashes(UInt128 IdentityHash, UInt128 RowHash);
