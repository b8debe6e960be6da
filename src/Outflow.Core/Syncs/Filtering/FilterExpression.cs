namespace Outflow.Core.Syncs.Filtering;

/// <summary>
/// A parsed <c>filter_logic</c> expression: a tree of AND, OR and NOT over the results of the sync's filters.
/// </summary>
public sealed class FilterExpression
{
    private FilterExpression(FilterExpressionKind kind, int filterIndex, FilterExpression? left, FilterExpression? right)
    {
        Kind = kind;
        FilterIndex = filterIndex;
        Left = left;
        Right = right;
    }

    public FilterExpressionKind Kind { get; }

    /// <summary>The position of the filter in the sync's filters, for <see cref="FilterExpressionKind.Filter"/> nodes.</summary>
    public int FilterIndex { get; }

    /// <summary>The operand of NOT, or the left operand of AND and OR.</summary>
    public FilterExpression? Left { get; }

    public FilterExpression? Right { get; }

    public static FilterExpression Filter(int filterIndex) => new(FilterExpressionKind.Filter, filterIndex, null, null);

    public static FilterExpression Not(FilterExpression operand) => new(FilterExpressionKind.Not, -1, operand, null);

    public static FilterExpression And(FilterExpression left, FilterExpression right) => new(FilterExpressionKind.And, -1, left, right);

    public static FilterExpression Or(FilterExpression left, FilterExpression right) => new(FilterExpressionKind.Or, -1, left, right);

    /// <summary>
    /// Evaluates the expression, calling <paramref name="testFilter"/> with <paramref name="state"/> and a filter's
    /// index only for the filters the result depends on (AND and OR short-circuit). A static lambda with a struct
    /// state evaluates without allocating.
    /// </summary>
    public bool Evaluate<TState>(Func<TState, int, bool> testFilter, TState state) => Kind switch
    {
        FilterExpressionKind.Filter => testFilter(state, FilterIndex),
        FilterExpressionKind.Not => !Left!.Evaluate(testFilter, state),
        FilterExpressionKind.And => Left!.Evaluate(testFilter, state) && Right!.Evaluate(testFilter, state),
        _ => Left!.Evaluate(testFilter, state) || Right!.Evaluate(testFilter, state),
    };

    /// <summary>Returns the expression in fully parenthesized form with filter indexes, for tests and diagnostics.</summary>
    public override string ToString() => Kind switch
    {
        FilterExpressionKind.Filter => FilterIndex.ToString(System.Globalization.CultureInfo.InvariantCulture),
        FilterExpressionKind.Not => $"NOT {Left}",
        FilterExpressionKind.And => $"({Left} AND {Right})",
        _ => $"({Left} OR {Right})",
    };
}
