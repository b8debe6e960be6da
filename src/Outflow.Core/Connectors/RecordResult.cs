namespace Outflow.Core.Connectors;

/// <summary>The outcome of one record; <see cref="Message"/> is the target's message for failures and warnings.</summary>
public sealed record RecordResult(RecordOutcome Outcome, string? Message = null);
