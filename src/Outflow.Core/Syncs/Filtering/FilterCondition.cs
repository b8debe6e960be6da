using System.Text.Json;
using System.Text.Json.Nodes;
using Outflow.Core.Connectors;

namespace Outflow.Core.Syncs.Filtering;

/// <summary>
/// A filter function with its operand, checked against the type of the field it tests. Every function is false on
/// a null value except IsNull, and a negated function (Inequality, IsNotNull, the StringDoesNot and Not functions,
/// ArrayDoesNotContain) is exactly the negation of its positive form, so it is true on null.
/// </summary>
public sealed class FilterCondition
{
    private static readonly FilterOperand[] NoOperands = [];

    private readonly FilterFunction _positive;
    private readonly bool _negated;
    private readonly FieldType _fieldType;
    private readonly FilterOperand[] _operands;
    private readonly RelativePeriod? _period;
    private readonly LikePattern? _pattern;

    private FilterCondition(
        FilterFunction function, FieldType fieldType, FilterOperand[] operands, RelativePeriod? period, LikePattern? pattern)
    {
        Function = function;
        _positive = function.Positive();
        _negated = function.IsNegated();
        _fieldType = fieldType;
        _operands = operands;
        _period = period;
        _pattern = pattern;
    }

    public FilterFunction Function { get; }

    /// <summary>Reads and checks the operand of <paramref name="function"/> for a field of type <paramref name="fieldType"/>.</summary>
    /// <param name="function">The function, which fixes the operand's shape.</param>
    /// <param name="operand">The <c>value</c> of the filter or override, as sent.</param>
    /// <param name="fieldType">The type of the model field the condition tests.</param>
    /// <param name="valuePath">The JSON path of the operand, named in errors (<c>filters[2].value</c>).</param>
    /// <param name="errorKey">The key of the errors raised (<c>invalid_filter</c> or <c>invalid_override</c>).</param>
    /// <exception cref="OutflowException">
    /// The operand has the wrong shape for the function, or cannot be compared with a value of the field's type (422).
    /// </exception>
    public static FilterCondition Parse(FilterFunction function, JsonNode? operand, FieldType fieldType, string valuePath, string errorKey)
    {
        var reader = new OperandReader(function, operand, fieldType, valuePath, errorKey);
        reader.CheckFieldType();
        switch (function.OperandShape())
        {
            case FilterOperandShape.None:
                return new FilterCondition(function, fieldType, NoOperands, null, null);
            case FilterOperandShape.Period:
                return new FilterCondition(function, fieldType, NoOperands, reader.ReadPeriod(), null);
            case FilterOperandShape.List:
                return new FilterCondition(function, fieldType, reader.ReadList(), null, null);
            case FilterOperandShape.Range:
                return new FilterCondition(function, fieldType, reader.ReadRange(), null, null);
            default:
                var scalar = reader.ReadScalar();
                var pattern = function.Positive() == FilterFunction.StringLike ? new LikePattern(scalar.Text) : null;
                return new FilterCondition(function, fieldType, [scalar], null, pattern);
        }
    }

    /// <summary>
    /// Tests a field value. InTheLast and the Relative functions count back from <paramref name="executionStart"/>.
    /// </summary>
    public bool Test(object? value, DateTimeOffset executionStart)
    {
        var result = value is null ? _positive == FilterFunction.IsNull : TestValue(value, executionStart);
        return _negated ? !result : result;
    }

    private bool TestValue(object value, DateTimeOffset executionStart)
    {
        switch (_positive)
        {
            case FilterFunction.IsNull:
                return false;
            case FilterFunction.True:
                return FilterValues.ToBoolean(value) == true;
            case FilterFunction.False:
                return FilterValues.ToBoolean(value) == false;
            case FilterFunction.Equality:
                return Compare(value, _operands[0]) == 0;
            case FilterFunction.GreaterThan:
                return Compare(value, _operands[0]) > 0;
            case FilterFunction.GreaterThanEqual:
                return Compare(value, _operands[0]) >= 0;
            case FilterFunction.LessThan:
                return Compare(value, _operands[0]) < 0;
            case FilterFunction.LessThanEqual:
                return Compare(value, _operands[0]) <= 0;
            case FilterFunction.OnOrAfter:
                return FilterValues.Compare(value, _operands[0], _fieldType, asInstant: true) >= 0;
            case FilterFunction.OnOrBefore:
                return FilterValues.Compare(value, _operands[0], _fieldType, asInstant: true) <= 0;
            case FilterFunction.Between:
                return Compare(value, _operands[0]) >= 0 && Compare(value, _operands[1]) <= 0;
            case FilterFunction.StringOneOf:
                return IsOneOf(value);
            case FilterFunction.ArrayContains:
                return FilterArrays.ContainsAny(value, _operands);
            case FilterFunction.InTheLast:
            case FilterFunction.RelativeOnOrBefore:
            case FilterFunction.RelativeOnOrAfter:
                return TestPeriod(value, executionStart);
            default:
                return TestText(value);
        }
    }

    private int? Compare(object value, FilterOperand operand) =>
        FilterValues.Compare(value, operand, _fieldType, asInstant: false);

    private bool IsOneOf(object value)
    {
        foreach (var operand in _operands)
        {
            if (Compare(value, operand) == 0)
            {
                return true;
            }
        }

        return false;
    }

    private bool TestPeriod(object value, DateTimeOffset executionStart)
    {
        if (FilterValues.ToInstant(value) is not { } instant)
        {
            return false;
        }

        var threshold = _period!.Before(executionStart);
        return _positive switch
        {
            FilterFunction.InTheLast => instant >= threshold && instant <= executionStart,
            FilterFunction.RelativeOnOrBefore => instant <= threshold,
            _ => instant >= threshold,
        };
    }

    private bool TestText(object value)
    {
        if (FilterValues.ToText(value) is not { } text)
        {
            return false;
        }

        var operand = _operands[0].Text;
        return _positive switch
        {
            FilterFunction.StringContains => text.Contains(operand, StringComparison.Ordinal),
            FilterFunction.StringStartsWith => text.StartsWith(operand, StringComparison.Ordinal),
            FilterFunction.StringEndsWith => text.EndsWith(operand, StringComparison.Ordinal),
            FilterFunction.StringLike => _pattern!.IsMatch(text),
            FilterFunction.StringMatchesTrimmed => text.AsSpan().Trim().Equals(operand.AsSpan().Trim(), StringComparison.OrdinalIgnoreCase),
            _ => throw new InvalidOperationException($"filter function {_positive} has no text test"),
        };
    }

    /// <summary>Reads one function's operand and raises errors that name its JSON path and value.</summary>
    private readonly struct OperandReader(FilterFunction function, JsonNode? operand, FieldType fieldType, string path, string errorKey)
    {
        /// <summary>Rejects functions that cannot test a field of this type at all, whatever the operand.</summary>
        public void CheckFieldType()
        {
            var positive = function.Positive();
            if (positive == FilterFunction.IsNull)
            {
                return;
            }

            if (fieldType == FieldType.Binary)
            {
                throw Error("a binary field can only be tested with IsNull or IsNotNull: change the function");
            }

            var allowed = positive switch
            {
                FilterFunction.True or FilterFunction.False =>
                    fieldType is FieldType.Boolean or FieldType.Number or FieldType.String or FieldType.Unknown,
                FilterFunction.OnOrAfter or FilterFunction.OnOrBefore or FilterFunction.InTheLast
                    or FilterFunction.RelativeOnOrBefore or FilterFunction.RelativeOnOrAfter =>
                    fieldType is FieldType.Datetime or FieldType.String or FieldType.Unknown,
                FilterFunction.GreaterThan or FilterFunction.GreaterThanEqual or FilterFunction.LessThan
                    or FilterFunction.LessThanEqual or FilterFunction.Between =>
                    fieldType is FieldType.Number or FieldType.Datetime or FieldType.String or FieldType.Unknown,
                FilterFunction.ArrayContains => fieldType is FieldType.Array or FieldType.String or FieldType.Unknown,
                _ => true,
            };
            if (!allowed)
            {
                throw Error(
                    $"{function} cannot test a field of type {fieldType.ToString().ToLowerInvariant()}: choose a function for that type, such as Equality");
            }
        }

        public FilterOperand ReadScalar() => ReadScalar(operand, path);

        public FilterOperand[] ReadList()
        {
            if (operand is not JsonArray array)
            {
                return [ReadScalar()];
            }

            if (array.Count == 0)
            {
                throw Error($"{function} needs at least one value: set {path} to a non-empty array");
            }

            var operands = new FilterOperand[array.Count];
            for (var i = 0; i < array.Count; i++)
            {
                operands[i] = ReadScalar(array[i], $"{path}[{i}]");
            }

            return operands;
        }

        public FilterOperand[] ReadRange()
        {
            if (operand is not JsonArray { Count: 2 } array)
            {
                throw Error($"Between needs [low, high]: set {path} to an array of two values");
            }

            var low = ReadScalar(array[0], $"{path}[0]");
            var high = ReadScalar(array[1], $"{path}[1]");
            // Only where values compare as numbers or instants: a string field compares "9" and "10" ordinally.
            var numeric = fieldType == FieldType.Number || (low.IsJsonNumber && high.IsJsonNumber);
            var reversed = (numeric && low.Decimal is { } lowNumber && high.Decimal is { } highNumber && lowNumber > highNumber)
                || (fieldType == FieldType.Datetime && low.Instant > high.Instant);
            if (reversed)
            {
                throw Error($"Between's low value {low.Text} is greater than its high value {high.Text}: swap them");
            }

            return [low, high];
        }

        public RelativePeriod ReadPeriod()
        {
            const string Expected = "{\"value\": N, \"unit\": \"minutes|hours|days|weeks|months\"}";
            if (operand is not JsonObject period)
            {
                throw Error($"{function} needs an object {Expected} as {path}");
            }

            var amountNode = period["value"];
            if (amountNode is not JsonValue amountValue
                || amountValue.GetValueKind() != JsonValueKind.Number
                || !long.TryParse(amountValue.ToJsonString(), out var amount)
                || amount < 0
                || amount > int.MaxValue)
            {
                throw Error($"{path}.value must be a whole number from 0 to {int.MaxValue}, as in {Expected}");
            }

            var unitNode = period["unit"];
            var unit = unitNode is JsonValue unitValue && unitValue.GetValueKind() == JsonValueKind.String
                ? unitValue.GetValue<string>()
                : null;
            if (unit is null || !RelativePeriod.Units.Contains(unit, StringComparer.Ordinal))
            {
                throw Error($"{path}.unit must be one of {string.Join(", ", RelativePeriod.Units)}");
            }

            return new RelativePeriod(amount, unit);
        }

        private FilterOperand ReadScalar(JsonNode? node, string nodePath)
        {
            var scalar = FilterOperand.TryRead(node)
                ?? throw Error($"{function} needs a string, number or boolean as {nodePath}");
            CheckComparable(scalar, nodePath);
            return scalar;
        }

        /// <summary>Rejects an operand that no value of the field's type can be compared with.</summary>
        private void CheckComparable(FilterOperand scalar, string nodePath)
        {
            var positive = function.Positive();
            if (positive is FilterFunction.OnOrAfter or FilterFunction.OnOrBefore)
            {
                if (scalar.Instant is null)
                {
                    throw Error($"{function} needs an RFC 3339 date-time such as 2024-03-01T00:00:00Z as {nodePath}");
                }

                return;
            }

            var compares = positive is FilterFunction.Equality or FilterFunction.GreaterThan or FilterFunction.GreaterThanEqual
                or FilterFunction.LessThan or FilterFunction.LessThanEqual or FilterFunction.Between or FilterFunction.StringOneOf;
            if (!compares)
            {
                return;
            }

            var typeName = fieldType.ToString().ToLowerInvariant();
            var comparable = fieldType switch
            {
                FieldType.Number => scalar.IsNumeric,
                FieldType.Datetime => scalar.Instant is not null,
                FieldType.Boolean => scalar.Boolean is not null,
                _ => true,
            };
            if (!comparable)
            {
                var expected = fieldType switch
                {
                    FieldType.Number => "a number",
                    FieldType.Datetime => "an RFC 3339 date-time such as 2024-03-01T00:00:00Z",
                    _ => "true or false",
                };
                throw Error($"{nodePath} {scalar.Text} cannot be compared with {typeName} field values: use {expected}");
            }
        }

        /// <summary>Creates an error that names the whole operand's path and value, whichever part of it is wrong.</summary>
        private OutflowException Error(string message) =>
            OutflowException.Unprocessable(errorKey, message, path, operand?.DeepClone());
    }
}
