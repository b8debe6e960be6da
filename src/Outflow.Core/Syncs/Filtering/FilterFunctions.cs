namespace Outflow.Core.Syncs.Filtering;

/// <summary>Wire names of <see cref="FilterFunction"/> values and the operand shape each one takes.</summary>
public static class FilterFunctions
{
    private static readonly Dictionary<string, FilterFunction> Values =
        Enum.GetValues<FilterFunction>().ToDictionary(function => function.ToString(), function => function, StringComparer.Ordinal);

    public static IEnumerable<string> WireNames => Enum.GetNames<FilterFunction>();

    public static bool TryParse(string? text, out FilterFunction function) => Values.TryGetValue(text ?? "", out function);

    /// <summary>
    /// Returns the positive function that <paramref name="function"/> negates, or the function itself when it is
    /// not a negation. A negated function is true exactly where its positive form is false, null values included.
    /// </summary>
    public static FilterFunction Positive(this FilterFunction function) => function switch
    {
        FilterFunction.Inequality => FilterFunction.Equality,
        FilterFunction.IsNotNull => FilterFunction.IsNull,
        FilterFunction.StringDoesNotContain => FilterFunction.StringContains,
        FilterFunction.StringDoesNotStartWith => FilterFunction.StringStartsWith,
        FilterFunction.StringDoesNotEndWith => FilterFunction.StringEndsWith,
        FilterFunction.StringNotOneOf => FilterFunction.StringOneOf,
        FilterFunction.ArrayDoesNotContain => FilterFunction.ArrayContains,
        FilterFunction.StringNotLike => FilterFunction.StringLike,
        _ => function,
    };

    public static bool IsNegated(this FilterFunction function) => function.Positive() != function;

    internal static FilterOperandShape OperandShape(this FilterFunction function) => function.Positive() switch
    {
        FilterFunction.IsNull or FilterFunction.True or FilterFunction.False => FilterOperandShape.None,
        FilterFunction.StringOneOf or FilterFunction.ArrayContains => FilterOperandShape.List,
        FilterFunction.Between => FilterOperandShape.Range,
        FilterFunction.InTheLast or FilterFunction.RelativeOnOrBefore or FilterFunction.RelativeOnOrAfter => FilterOperandShape.Period,
        _ => FilterOperandShape.Scalar,
    };
}
