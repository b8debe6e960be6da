namespace Outflow.Core.Syncs.Filtering;

/// <summary>
/// The comparisons a filter or an override condition applies to a model field's value (the wire's
/// <c>FilterFunction</c>). The member names are the exact, case-sensitive wire names.
/// </summary>
public enum FilterFunction
{
    Equality,
    Inequality,
    IsNull,
    IsNotNull,
    True,
    False,
    OnOrAfter,
    OnOrBefore,
    GreaterThan,
    GreaterThanEqual,
    LessThan,
    LessThanEqual,
    StringContains,
    StringStartsWith,
    StringEndsWith,
    StringDoesNotContain,
    StringDoesNotStartWith,
    StringDoesNotEndWith,
    StringOneOf,
    StringNotOneOf,
    Between,
    ArrayContains,
    ArrayDoesNotContain,
    InTheLast,
    RelativeOnOrBefore,
    RelativeOnOrAfter,
    StringLike,
    StringNotLike,
    StringMatchesTrimmed,
}
