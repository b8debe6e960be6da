using System.Text.Json.Nodes;
using Outflow.Core;
using Outflow.Core.Connectors;
using Outflow.Core.Syncs;
using Outflow.Core.Syncs.Filtering;
using Outflow.Engine.Rows;

namespace Outflow.Engine.Tests.Rows;

public sealed class RowFilterTests
{
    private static readonly DateTimeOffset Start = new(2024, 6, 15, 12, 0, 0, TimeSpan.Zero);

    private static readonly Guid ModelId = Guid.NewGuid();

    private static DateTimeOffset Utc(int year, int month, int day, int hour = 0, int minute = 0, int second = 0) =>
        new(year, month, day, hour, minute, second, TimeSpan.Zero);

    /// <summary>Function, operand as JSON text (null for none), field type, field value, expected result.</summary>
    public static TheoryData<string, string?, FieldType, object?, bool> Cases => new()
    {
        { "Equality", "5", FieldType.Number, 5L, true },
        { "Equality", "5", FieldType.Number, 5.00m, true },
        { "Equality", "5", FieldType.Number, 5.0d, true },
        { "Equality", "\"5\"", FieldType.Number, 5L, true },
        { "Equality", "5", FieldType.Number, "5.00", true },
        { "Equality", "9007199254740993", FieldType.Number, 9007199254740993L, true },
        { "Equality", "9007199254740993", FieldType.Number, 9007199254740992L, false },
        { "Equality", "0.1", FieldType.Number, 0.1d, true },
        { "Equality", "5", FieldType.Number, 6L, false },
        { "Equality", "5", FieldType.Number, null, false },
        { "Equality", "\"Ada\"", FieldType.String, "Ada", true },
        { "Equality", "\"Ada\"", FieldType.String, "ada", false },
        { "Equality", "\"Ada\"", FieldType.String, "Ada ", false },
        { "Equality", "\"😀\"", FieldType.String, "😀", true },
        { "Equality", "\"2024-03-01T12:00:00+02:00\"", FieldType.Datetime, Utc(2024, 3, 1, 10), true },
        { "Equality", "\"2024-03-01T12:00:00+02:00\"", FieldType.Datetime, Utc(2024, 3, 1, 12), false },
        { "Equality", "\"2024-03-01\"", FieldType.Datetime, new DateOnly(2024, 3, 1), true },
        { "Equality", "\"2024-03-01T10:00:00Z\"", FieldType.Datetime, new DateTime(2024, 3, 1, 10, 0, 0), true },
        { "Equality", "\"2024-03-01 10:00:00\"", FieldType.Datetime, "2024-03-01T10:00:00Z", true },
        { "Equality", "\"2024-03-01T10:00:00Z\"", FieldType.Datetime, "2024-03-01 12:00:00+02", true },
        { "Equality", "\"2024-03-01T10:00:00Z\"", FieldType.Datetime, "March 1, 2024", false },
        { "Equality", "true", FieldType.Boolean, true, true },
        { "Equality", "true", FieldType.Boolean, false, false },
        { "Equality", "false", FieldType.Boolean, 0L, true },
        { "Equality", "true", FieldType.Boolean, 1L, true },
        { "Equality", "true", FieldType.Boolean, "false", false },
        { "Equality", "\"abc\"", FieldType.Unknown, 5L, false },
        { "Inequality", "5", FieldType.Number, 6L, true },
        { "Inequality", "5", FieldType.Number, 5L, false },
        { "Inequality", "5", FieldType.Number, null, true },
        { "IsNull", null, FieldType.String, null, true },
        { "IsNull", null, FieldType.String, "", false },
        { "IsNull", "\"ignored\"", FieldType.Number, 0L, false },
        { "IsNotNull", null, FieldType.String, null, false },
        { "IsNotNull", null, FieldType.String, "", true },
        { "IsNotNull", null, FieldType.Binary, new byte[] { 1 }, true },
        { "True", null, FieldType.Boolean, true, true },
        { "True", null, FieldType.Number, 1L, true },
        { "True", null, FieldType.String, "true", true },
        { "True", null, FieldType.String, "TRUE", true },
        { "True", null, FieldType.Boolean, false, false },
        { "True", null, FieldType.Number, 2L, false },
        { "True", null, FieldType.String, "yes", false },
        { "True", null, FieldType.Boolean, null, false },
        { "False", null, FieldType.Boolean, false, true },
        { "False", null, FieldType.Number, 0L, true },
        { "False", null, FieldType.String, "false", true },
        { "False", null, FieldType.Boolean, true, false },
        { "False", null, FieldType.Boolean, null, false },
        { "OnOrAfter", "\"2024-03-01T00:00:00Z\"", FieldType.Datetime, Utc(2024, 3, 1), true },
        { "OnOrAfter", "\"2024-03-01T00:00:00Z\"", FieldType.Datetime, Utc(2024, 2, 29, 23, 59, 59), false },
        { "OnOrAfter", "\"2024-03-01T00:00:00Z\"", FieldType.Datetime, null, false },
        { "OnOrAfter", "\"2024-03-01\"", FieldType.String, "2024-03-02", true },
        { "OnOrAfter", "\"2024-03-01T00:00:00+01:00\"", FieldType.Datetime, new DateTime(2024, 2, 29, 23, 0, 0), true },
        { "OnOrBefore", "\"2024-03-01T00:00:00Z\"", FieldType.Datetime, Utc(2024, 3, 1), true },
        { "OnOrBefore", "\"2024-03-01T00:00:00Z\"", FieldType.Datetime, Utc(2024, 3, 1, 0, 0, 1), false },
        { "OnOrBefore", "\"2024-03-01T00:00:00Z\"", FieldType.Datetime, null, false },
        { "OnOrBefore", "\"2024-03-01\"", FieldType.Datetime, new DateOnly(2024, 2, 28), true },
        { "GreaterThan", "9", FieldType.Number, 10L, true },
        { "GreaterThan", "9", FieldType.Number, 9L, false },
        { "GreaterThan", "9", FieldType.Number, 9.5d, true },
        { "GreaterThan", "9", FieldType.Number, 9.0000000000000000000000001m, true },
        { "GreaterThan", "\"9\"", FieldType.Number, 10L, true },
        { "GreaterThan", "9", FieldType.Number, "10", true },
        { "GreaterThan", "9", FieldType.Number, null, false },
        { "GreaterThan", "\"a\"", FieldType.String, "b", true },
        { "GreaterThan", "\"a\"", FieldType.String, "B", false },
        { "GreaterThan", "\"2024-01-01T00:00:00Z\"", FieldType.Datetime, Utc(2024, 1, 2), true },
        { "GreaterThanEqual", "9", FieldType.Number, 9L, true },
        { "GreaterThanEqual", "9", FieldType.Number, 8.99m, false },
        { "GreaterThanEqual", "9", FieldType.Number, null, false },
        { "LessThan", "9", FieldType.Number, 8L, true },
        { "LessThan", "9", FieldType.Number, 9L, false },
        { "LessThan", "9", FieldType.Number, null, false },
        { "LessThan", "1e30", FieldType.Number, long.MaxValue, true },
        { "LessThanEqual", "9", FieldType.Number, 9L, true },
        { "LessThanEqual", "9", FieldType.Number, 10L, false },
        { "LessThanEqual", "9", FieldType.Number, null, false },
        { "StringContains", "\"lo w\"", FieldType.String, "hello world", true },
        { "StringContains", "\"hell\"", FieldType.String, "Hello", false },
        { "StringContains", "\"234\"", FieldType.Number, 12345L, true },
        { "StringContains", "\"a\"", FieldType.String, null, false },
        { "StringStartsWith", "\"he\"", FieldType.String, "hello", true },
        { "StringStartsWith", "\"He\"", FieldType.String, "hello", false },
        { "StringStartsWith", "\"he\"", FieldType.String, null, false },
        { "StringEndsWith", "\"lo\"", FieldType.String, "hello", true },
        { "StringEndsWith", "\"he\"", FieldType.String, "hello", false },
        { "StringEndsWith", "\"lo\"", FieldType.String, null, false },
        { "StringDoesNotContain", "\"x\"", FieldType.String, "abc", true },
        { "StringDoesNotContain", "\"b\"", FieldType.String, "abc", false },
        { "StringDoesNotContain", "\"b\"", FieldType.String, null, true },
        { "StringDoesNotStartWith", "\"b\"", FieldType.String, "abc", true },
        { "StringDoesNotStartWith", "\"a\"", FieldType.String, "abc", false },
        { "StringDoesNotStartWith", "\"a\"", FieldType.String, null, true },
        { "StringDoesNotEndWith", "\"b\"", FieldType.String, "abc", true },
        { "StringDoesNotEndWith", "\"c\"", FieldType.String, "abc", false },
        { "StringDoesNotEndWith", "\"c\"", FieldType.String, null, true },
        { "StringOneOf", "[\"a\", \"b\"]", FieldType.String, "b", true },
        { "StringOneOf", "[\"a\", \"b\"]", FieldType.String, "c", false },
        { "StringOneOf", "[\"a\", \"b\"]", FieldType.String, null, false },
        { "StringOneOf", "\"a\"", FieldType.String, "a", true },
        { "StringOneOf", "[1, 2]", FieldType.Number, 2L, true },
        { "StringOneOf", "[1, 2]", FieldType.Number, 3L, false },
        { "StringNotOneOf", "[\"a\", \"b\"]", FieldType.String, "c", true },
        { "StringNotOneOf", "[\"a\", \"b\"]", FieldType.String, "a", false },
        { "StringNotOneOf", "[\"a\", \"b\"]", FieldType.String, null, true },
        { "StringNotOneOf", "\"a\"", FieldType.String, "b", true },
        { "Between", "[1, 10]", FieldType.Number, 1L, true },
        { "Between", "[1, 10]", FieldType.Number, 10L, true },
        { "Between", "[1, 10]", FieldType.Number, 5.5d, true },
        { "Between", "[1, 10]", FieldType.Number, 11L, false },
        { "Between", "[1, 10]", FieldType.Number, 0.99m, false },
        { "Between", "[1, 10]", FieldType.Number, null, false },
        { "Between", "[\"2024-01-01\", \"2024-01-31T23:59:59Z\"]", FieldType.Datetime, Utc(2024, 1, 31, 23, 59, 59), true },
        { "Between", "[\"2024-01-01\", \"2024-01-31T23:59:59Z\"]", FieldType.Datetime, Utc(2024, 2, 1), false },
        { "ArrayContains", "\"b\"", FieldType.Array, "[\"a\", \"b\"]", true },
        { "ArrayContains", "\"z\"", FieldType.Array, "[\"a\", \"b\"]", false },
        { "ArrayContains", "[\"z\", \"a\"]", FieldType.Array, "[\"a\", \"b\"]", true },
        { "ArrayContains", "2", FieldType.Array, "[1, 2, 3]", true },
        { "ArrayContains", "\"c d\"", FieldType.Array, "{a,b,\"c d\"}", true },
        { "ArrayContains", "\"a,b\"", FieldType.Array, "{\"a,b\",c}", true },
        { "ArrayContains", "\"a\"", FieldType.Array, "{\"a,b\",c}", false },
        { "ArrayContains", "5", FieldType.Array, "{5,6}", true },
        { "ArrayContains", "\"NULL\"", FieldType.Array, "{NULL,x}", false },
        { "ArrayContains", "\"q\\\"x\"", FieldType.Array, "{\"q\\\"x\"}", true },
        { "ArrayContains", "\"a\"", FieldType.Array, null, false },
        { "ArrayDoesNotContain", "\"z\"", FieldType.Array, "[\"a\"]", true },
        { "ArrayDoesNotContain", "\"a\"", FieldType.Array, "[\"a\"]", false },
        { "ArrayDoesNotContain", "\"a\"", FieldType.Array, null, true },
        { "InTheLast", "{\"value\": 2, \"unit\": \"days\"}", FieldType.Datetime, Utc(2024, 6, 14, 12), true },
        { "InTheLast", "{\"value\": 2, \"unit\": \"days\"}", FieldType.Datetime, Utc(2024, 6, 13, 12), true },
        { "InTheLast", "{\"value\": 2, \"unit\": \"days\"}", FieldType.Datetime, Utc(2024, 6, 13, 11, 59), false },
        { "InTheLast", "{\"value\": 2, \"unit\": \"days\"}", FieldType.Datetime, Utc(2024, 6, 15, 12, 1), false },
        { "InTheLast", "{\"value\": 2, \"unit\": \"days\"}", FieldType.Datetime, null, false },
        { "InTheLast", "{\"value\": 1, \"unit\": \"months\"}", FieldType.Datetime, Utc(2024, 5, 15, 12), true },
        { "InTheLast", "{\"value\": 1, \"unit\": \"months\"}", FieldType.Datetime, Utc(2024, 5, 15, 11, 59), false },
        { "InTheLast", "{\"value\": 1, \"unit\": \"weeks\"}", FieldType.Datetime, new DateOnly(2024, 6, 9), true },
        { "InTheLast", "{\"value\": 30, \"unit\": \"minutes\"}", FieldType.String, "2024-06-15 11:45:00", true },
        { "RelativeOnOrBefore", "{\"value\": 1, \"unit\": \"hours\"}", FieldType.Datetime, Utc(2024, 6, 15, 11), true },
        { "RelativeOnOrBefore", "{\"value\": 1, \"unit\": \"hours\"}", FieldType.Datetime, Utc(2024, 6, 15, 11, 1), false },
        { "RelativeOnOrBefore", "{\"value\": 1, \"unit\": \"hours\"}", FieldType.Datetime, null, false },
        { "RelativeOnOrAfter", "{\"value\": 1, \"unit\": \"hours\"}", FieldType.Datetime, Utc(2024, 6, 15, 11), true },
        { "RelativeOnOrAfter", "{\"value\": 1, \"unit\": \"hours\"}", FieldType.Datetime, Utc(2024, 6, 15, 10, 59), false },
        { "RelativeOnOrAfter", "{\"value\": 1, \"unit\": \"hours\"}", FieldType.Datetime, null, false },
        { "RelativeOnOrAfter", "{\"value\": 2147483647, \"unit\": \"months\"}", FieldType.Datetime, Utc(1, 1, 1), true },
        { "StringLike", "\"a%c\"", FieldType.String, "abbbc", true },
        { "StringLike", "\"a_c\"", FieldType.String, "abc", true },
        { "StringLike", "\"a_c\"", FieldType.String, "abbc", false },
        { "StringLike", "\"A%\"", FieldType.String, "abc", false },
        { "StringLike", "\"%b%\"", FieldType.String, "abc", true },
        { "StringLike", "\"%\"", FieldType.String, "", true },
        { "StringLike", "\"_\"", FieldType.String, "😀", true },
        { "StringLike", "\"a%b%c\"", FieldType.String, "axxbyybzc", true },
        { "StringLike", "\"a%b%c\"", FieldType.String, "axxcyyb", false },
        { "StringLike", "\"a%\"", FieldType.String, null, false },
        { "StringNotLike", "\"a%\"", FieldType.String, "abc", false },
        { "StringNotLike", "\"a%\"", FieldType.String, "xbc", true },
        { "StringNotLike", "\"a%\"", FieldType.String, null, true },
        { "StringMatchesTrimmed", "\"ada\"", FieldType.String, "  Ada\t", true },
        { "StringMatchesTrimmed", "\" ADA \"", FieldType.String, "ada", true },
        { "StringMatchesTrimmed", "\"ada\"", FieldType.String, "Adam", false },
        { "StringMatchesTrimmed", "\"ada\"", FieldType.String, null, false },
    };

    /// <summary>Operands that do not fit the function or the field's type, all rejected at filters[0].value.</summary>
    public static TheoryData<string, string?, FieldType> InvalidOperands => new()
    {
        { "Equality", null, FieldType.String },
        { "Equality", "[1]", FieldType.Number },
        { "Equality", "{\"a\": 1}", FieldType.String },
        { "Equality", "\"abc\"", FieldType.Number },
        { "Equality", "\"yes\"", FieldType.Boolean },
        { "Equality", "\"2024-13-45\"", FieldType.Datetime },
        { "Equality", "1", FieldType.Binary },
        { "GreaterThan", "\"abc\"", FieldType.Number },
        { "GreaterThan", "true", FieldType.Boolean },
        { "GreaterThan", "1", FieldType.Array },
        { "OnOrAfter", "\"yesterday\"", FieldType.Datetime },
        { "OnOrAfter", "\"3/1/2024\"", FieldType.Datetime },
        { "OnOrBefore", "\"2024-03-01\"", FieldType.Number },
        { "StringContains", "[\"a\"]", FieldType.String },
        { "StringLike", null, FieldType.String },
        { "StringOneOf", "[]", FieldType.String },
        { "StringOneOf", "[{\"a\": 1}]", FieldType.String },
        { "StringOneOf", "[1, \"x\"]", FieldType.Number },
        { "ArrayContains", "1", FieldType.Number },
        { "ArrayContains", "[[1]]", FieldType.Array },
        { "Between", "5", FieldType.Number },
        { "Between", "[1]", FieldType.Number },
        { "Between", "[1, 2, 3]", FieldType.Number },
        { "Between", "[10, 1]", FieldType.Number },
        { "Between", "[\"a\", 2]", FieldType.Number },
        { "Between", "[\"2024-02-01\", \"2024-01-01\"]", FieldType.Datetime },
        { "InTheLast", "5", FieldType.Datetime },
        { "InTheLast", "{\"value\": -1, \"unit\": \"days\"}", FieldType.Datetime },
        { "InTheLast", "{\"value\": 1.5, \"unit\": \"days\"}", FieldType.Datetime },
        { "InTheLast", "{\"value\": \"1\", \"unit\": \"days\"}", FieldType.Datetime },
        { "InTheLast", "{\"value\": 1, \"unit\": \"years\"}", FieldType.Datetime },
        { "InTheLast", "{\"value\": 1, \"unit\": \"Days\"}", FieldType.Datetime },
        { "InTheLast", "{\"unit\": \"days\"}", FieldType.Datetime },
        { "RelativeOnOrAfter", "{\"value\": 1, \"unit\": \"days\"}", FieldType.Number },
        { "True", null, FieldType.Datetime },
        { "False", null, FieldType.Array },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Matches_function_on_value(string function, string? operand, FieldType type, object? value, bool expected)
    {
        var filter = new SyncFilter { Function = function, FieldId = "v", Value = Parse(operand) };
        var rowFilter = RowFilter.Compile([filter], null, [new SourceColumn("v", type, "test")], Start);

        Assert.Equal(expected, rowFilter.Matches([value]));
    }

    [Fact]
    public void Cases_cover_every_function()
    {
        var tested = Cases.Select(row => (string)row[0]).ToHashSet(StringComparer.Ordinal);

        Assert.Equal(29, Enum.GetValues<FilterFunction>().Length);
        foreach (var name in FilterFunctions.WireNames)
        {
            Assert.Contains(name, tested);
        }
    }

    [Fact]
    public void Negated_functions_are_true_on_null()
    {
        foreach (var function in Enum.GetValues<FilterFunction>().Where(f => f.IsNegated()))
        {
            var operand = function switch
            {
                FilterFunction.IsNotNull => null,
                _ => JsonValue.Create("a"),
            };
            var condition = FilterCondition.Parse(function, operand, FieldType.String, "filters[0].value", FilterErrorKeys.InvalidFilter);
            var positive = FilterCondition.Parse(function.Positive(), operand, FieldType.String, "filters[0].value", FilterErrorKeys.InvalidFilter);

            Assert.Equal(!positive.Test(null, Start), condition.Test(null, Start));
            Assert.Equal(!positive.Test("a", Start), condition.Test("a", Start));
        }
    }

    [Theory]
    [MemberData(nameof(InvalidOperands))]
    public void Parse_invalid_operand_names_value(string function, string? operand, FieldType type)
    {
        var filter = new SyncFilter { Function = function, FieldId = "v", Value = Parse(operand) };

        var exception = Assert.Throws<OutflowException>(() => ParseSet([filter], null, type));

        Assert.Equal(ErrorKind.Unprocessable, exception.Kind);
        Assert.Equal("invalid_filter", exception.Key);
        Assert.Equal("filters[0].value", exception.Field);
    }

    [Fact]
    public void Parse_invalid_operand_returns_operand_value()
    {
        var filter = new SyncFilter { Function = "GreaterThan", FieldId = "v", Value = JsonValue.Create("abc") };

        var exception = Assert.Throws<OutflowException>(() => ParseSet([filter], null, FieldType.Number));

        Assert.Equal("\"abc\"", Assert.IsAssignableFrom<JsonNode>(exception.Value).ToJsonString());
        Assert.Contains("abc", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_present_value_for_IsNull_is_ignored()
    {
        var filter = new SyncFilter { Function = "IsNull", FieldId = "v", Value = new JsonObject { ["x"] = 1 } };

        var set = ParseSet([filter], null, FieldType.String);

        Assert.Single(set.Clauses);
    }

    [Theory]
    [InlineData("Bogus", null, ErrorKind.Invalid, "invalid_field", "filters[0].function")]
    [InlineData("equality", null, ErrorKind.Invalid, "invalid_field", "filters[0].function")]
    [InlineData(null, null, ErrorKind.Invalid, "missing_field", "filters[0].function")]
    [InlineData("IsNull", "Target", ErrorKind.Unprocessable, "unsupported_option", "filters[0].field_type")]
    [InlineData("IsNull", "Remote", ErrorKind.Invalid, "invalid_field", "filters[0].field_type")]
    public void Parse_function_and_field_type_errors(string? function, string? fieldType, ErrorKind kind, string key, string field)
    {
        var filter = new SyncFilter { Function = function, FieldId = "v", FieldType = fieldType };

        var exception = Assert.Throws<OutflowException>(() => ParseSet([filter], null, FieldType.String));

        Assert.Equal(kind, exception.Kind);
        Assert.Equal(key, exception.Key);
        Assert.Equal(field, exception.Field);
    }

    [Fact]
    public void Parse_model_field_type_is_accepted()
    {
        var filter = new SyncFilter { Function = "IsNull", FieldId = "v", FieldType = "Model" };

        Assert.Single(ParseSet([filter], null, FieldType.String).Clauses);
    }

    [Fact]
    public void Parse_unknown_field_names_field()
    {
        var byName = new SyncFilter { Function = "IsNull", FieldId = "nickname" };
        var byReference = new SyncFilter { Function = "IsNull", Field = new SourceField { ModelId = ModelId, Field = "nickname" } };

        var nameError = Assert.Throws<OutflowException>(() => ParseSet([byName], null, FieldType.String));
        var referenceError = Assert.Throws<OutflowException>(() => ParseSet([byReference], null, FieldType.String));

        Assert.Equal("unknown_model_field", nameError.Key);
        Assert.Equal("filters[0].field_id", nameError.Field);
        Assert.Equal("unknown_model_field", referenceError.Key);
        Assert.Equal("filters[0].field.field", referenceError.Field);
        Assert.Contains("use one of v", referenceError.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_other_model_is_rejected()
    {
        var filter = new SyncFilter { Function = "IsNull", Field = new SourceField { ModelId = Guid.NewGuid(), Field = "v" } };

        var exception = Assert.Throws<OutflowException>(() => ParseSet([filter], null, FieldType.String));

        Assert.Equal(ErrorKind.Unprocessable, exception.Kind);
        Assert.Equal("multiple_models_unsupported", exception.Key);
        Assert.Equal("filters[0].field.model_id", exception.Field);
    }

    [Fact]
    public void Parse_without_field_reference_is_missing_field()
    {
        var filter = new SyncFilter { Function = "IsNull" };

        var exception = Assert.Throws<OutflowException>(() => ParseSet([filter], null, FieldType.String));

        Assert.Equal(ErrorKind.Invalid, exception.Kind);
        Assert.Equal("missing_field", exception.Key);
        Assert.Equal("filters[0].field", exception.Field);
    }

    [Fact]
    public void Compile_field_wins_over_field_id()
    {
        var filter = new SyncFilter
        {
            Function = "Equality",
            Field = new SourceField { ModelId = ModelId, Field = "b" },
            FieldId = "a",
            Value = JsonValue.Create("x"),
        };
        var columns = new[] { new SourceColumn("a", FieldType.String, "text"), new SourceColumn("b", FieldType.String, "text") };

        var rowFilter = RowFilter.Compile([filter], null, columns, Start);

        Assert.True(rowFilter.Matches(["y", "x"]));
        Assert.False(rowFilter.Matches(["x", "y"]));
    }

    [Fact]
    public void Compile_without_filters_matches_every_row()
    {
        var columns = new[] { new SourceColumn("a", FieldType.String, "text") };

        Assert.True(RowFilter.Compile(null, null, columns, Start).Matches([null]));
        Assert.True(RowFilter.Compile([], "  ", columns, Start).Matches(["x"]));
    }

    [Fact]
    public void Compile_missing_column_fails_execution()
    {
        var filter = new SyncFilter { Function = "IsNull", FieldId = "gone" };

        var exception = Assert.Throws<ExecutionFailedException>(
            () => RowFilter.Compile([filter], null, [new SourceColumn("a", FieldType.String, "text")], Start));

        Assert.Contains("gone", exception.Message, StringComparison.Ordinal);
        Assert.IsType<OutflowException>(exception.InnerException);
    }

    [Fact]
    public void Compile_mismatched_operand_fails_execution()
    {
        var filter = new SyncFilter { Function = "GreaterThan", FieldId = "a", Value = JsonValue.Create("abc") };

        var exception = Assert.Throws<ExecutionFailedException>(
            () => RowFilter.Compile([filter], null, [new SourceColumn("a", FieldType.Number, "integer")], Start));

        Assert.Contains("filters[0].value", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Matches_without_logic_requires_every_filter()
    {
        var filters = new[]
        {
            new SyncFilter { Function = "GreaterThan", FieldId = "n", Value = JsonValue.Create(1) },
            new SyncFilter { Function = "StringStartsWith", FieldId = "s", Value = JsonValue.Create("a") },
        };
        var columns = new[] { new SourceColumn("n", FieldType.Number, "integer"), new SourceColumn("s", FieldType.String, "text") };
        var rowFilter = RowFilter.Compile(filters, null, columns, Start);

        Assert.True(rowFilter.Matches([2L, "abc"]));
        Assert.False(rowFilter.Matches([1L, "abc"]));
        Assert.False(rowFilter.Matches([2L, "xbc"]));
        Assert.False(rowFilter.Matches([null, null]));
    }

    private static FilterSet ParseSet(IReadOnlyList<SyncFilter> filters, string? logic, FieldType type) =>
        FilterSet.Parse(filters, logic, ModelId, new Dictionary<string, FieldType> { ["v"] = type });

    private static JsonNode? Parse(string? json) => json is null ? null : JsonNode.Parse(json);

    [Theory]
    [InlineData("Equality", true)]
    [InlineData("GreaterThanEqual", true)]
    [InlineData("LessThan", false)]
    public void Matches_largest_long_exactly(string function, bool expected)
    {
        var columns = new[] { new SourceColumn("age", FieldType.Number, "INTEGER") };
        foreach (var operand in new[] { System.Text.Json.Nodes.JsonNode.Parse("9223372036854775807"), System.Text.Json.Nodes.JsonValue.Create("9223372036854775807") })
        {
            var filter = new SyncFilter { Function = function, FieldId = "age", Value = operand };

            var rowFilter = RowFilter.Compile([filter], null, columns, Start);

            Assert.Equal(expected, rowFilter.Matches([long.MaxValue]));
            Assert.Equal(!expected && function == "LessThan" ? false : expected, rowFilter.Matches([long.MaxValue]));
        }
    }
}
