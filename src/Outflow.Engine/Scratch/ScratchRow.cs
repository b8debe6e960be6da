namespace Outflow.Engine.Scratch;

/// <summary>One model row kept in the scratch database: its identity and encoded values.</summary>
internal sealed record ScratchRow(string Identity, byte[] Payload);
