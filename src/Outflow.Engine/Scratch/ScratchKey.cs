namespace Outflow.Engine.Scratch;

/// <summary>A row of the scratch database as the diff compares it: its number in read order and its two hashes.</summary>
internal readonly record struct ScratchKey(long RowId, UInt128 IdentityHash, UInt128 RowHash);
