namespace Outflow.Core;

/// <summary>
/// A keyset position in a list: the sort key of the last item returned (Unix milliseconds) and its id.
/// The next page starts strictly after it.
/// </summary>
public sealed record ListCursor(long SortKey, Guid Id);
