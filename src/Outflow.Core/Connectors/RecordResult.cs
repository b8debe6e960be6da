namespace Outflow.Core.Connectors;

/// <summary>
/// The outcome of one record. <see cref="Message"/> is the target's message for failures and for
/// <see cref="RecordOutcome.NotFound"/>. <see cref="Warning"/> describes how the target changed a value it still wrote
/// (a number stored as text, an instant stored as a UTC timestamp without zone).
/// </summary>
public sealed record RecordResult(RecordOutcome Outcome, string? Message = null, string? Warning = null);
