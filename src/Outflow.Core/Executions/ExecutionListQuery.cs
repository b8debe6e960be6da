namespace Outflow.Core.Executions;

/// <summary>
/// One page request of List Executions. Order: start time (creation time before an execution starts),
/// then id, descending unless <see cref="Ascending"/>.
/// </summary>
public sealed record ExecutionListQuery(bool OnlyCompleted, bool Ascending, ListCursor? After, int Limit);
