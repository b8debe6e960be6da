using System.Text.Json.Nodes;
using Outflow.Core;
using Outflow.Core.Connectors;
using Outflow.Core.Syncs;
using Outflow.Core.Syncs.Filtering;
using Outflow.Engine.Rows;

namespace Outflow.Engine.Tests.Rows;

public sealed class RowOverridesTests
{
    private static readonly DateTimeOffset Start = new(2024, 6, 15, 12, 0, 0, TimeSpan.Zero);

    private static readonly Guid ModelId = Guid.NewGuid();

    private static readonly SourceColumn[] Columns =
    [
        new("id", FieldType.Number, "integer"),
        new("name", FieldType.String, "text"),
        new("score", FieldType.Number, "numeric"),
        new("seen_at", FieldType.Datetime, "timestamptz"),
    ];

    [Fact]
    public void Apply_without_function_always_replaces()
    {
        var overrides = Compile(new SyncOverride { FieldId = "name", Override = JsonValue.Create("anonymous") });
        object?[] row = [1L, "Ada", 5m, null];

        overrides.Apply(row);

        Assert.Equal([1L, "anonymous", 5m, null], row);
    }

    [Fact]
    public void Apply_with_function_replaces_only_matching_values()
    {
        var overrides = Compile(new SyncOverride
        {
            FieldId = "score",
            Function = "LessThan",
            Value = JsonValue.Create(0),
            Override = JsonValue.Create(0),
        });
        object?[] negative = [1L, "Ada", -3m, null];
        object?[] positive = [2L, "Grace", 3m, null];
        object?[] missing = [3L, "Linus", null, null];

        overrides.Apply(negative);
        overrides.Apply(positive);
        overrides.Apply(missing);

        Assert.Equal(0L, negative[2]);
        Assert.Equal(3m, positive[2]);
        Assert.Null(missing[2]);
    }

    [Fact]
    public void Apply_is_null_replaces_null_with_default()
    {
        var overrides = Compile(new SyncOverride { FieldId = "name", Function = "IsNull", Override = JsonValue.Create("unknown") });
        object?[] missing = [1L, null, null, null];
        object?[] present = [2L, "Ada", null, null];

        overrides.Apply(missing);
        overrides.Apply(present);

        Assert.Equal("unknown", missing[1]);
        Assert.Equal("Ada", present[1]);
    }

    [Fact]
    public void Apply_negated_function_replaces_null()
    {
        var overrides = Compile(new SyncOverride
        {
            FieldId = "name",
            Function = "Inequality",
            Value = JsonValue.Create("Ada"),
            Override = JsonValue.Create("other"),
        });
        object?[] missing = [1L, null, null, null];
        object?[] ada = [2L, "Ada", null, null];

        overrides.Apply(missing);
        overrides.Apply(ada);

        Assert.Equal("other", missing[1]);
        Assert.Equal("Ada", ada[1]);
    }

    [Fact]
    public void Apply_in_list_order_on_replaced_value()
    {
        var overrides = Compile(
            new SyncOverride { FieldId = "name", Function = "Equality", Value = JsonValue.Create("a"), Override = JsonValue.Create("b") },
            new SyncOverride { FieldId = "name", Function = "Equality", Value = JsonValue.Create("b"), Override = JsonValue.Create("c") });
        object?[] row = [1L, "a", null, null];

        overrides.Apply(row);

        Assert.Equal("c", row[1]);
    }

    [Fact]
    public void Apply_relative_function_uses_execution_start()
    {
        var overrides = Compile(new SyncOverride
        {
            FieldId = "seen_at",
            Function = "InTheLast",
            Value = new JsonObject { ["value"] = 1, ["unit"] = "days" },
            Override = JsonValue.Create("recent"),
        });
        object?[] recent = [1L, null, null, Start.AddHours(-23)];
        object?[] old = [2L, null, null, Start.AddDays(-2)];

        overrides.Apply(recent);
        overrides.Apply(old);

        Assert.Equal("recent", recent[3]);
        Assert.Equal(Start.AddDays(-2), old[3]);
    }

    [Fact]
    public void Compile_field_id_wins_over_field()
    {
        var overrides = Compile(new SyncOverride
        {
            FieldId = "name",
            Field = new SourceField { ModelId = ModelId, Field = "score" },
            Override = JsonValue.Create("x"),
        });
        object?[] row = [1L, "Ada", 5m, null];

        overrides.Apply(row);

        Assert.Equal("x", row[1]);
        Assert.Equal(5m, row[2]);
    }

    [Fact]
    public void Compile_field_reference_is_used_without_field_id()
    {
        var overrides = Compile(new SyncOverride
        {
            Field = new SourceField { ModelId = ModelId, Field = "score" },
            Override = JsonValue.Create(1),
        });
        object?[] row = [1L, "Ada", 5m, null];

        overrides.Apply(row);

        Assert.Equal(1L, row[2]);
    }

    [Fact]
    public void Compile_without_overrides_leaves_row()
    {
        var overrides = RowOverrides.Compile(null, Columns, Start);
        object?[] row = [1L, "Ada", 5m, null];

        overrides.Apply(row);

        Assert.True(overrides.IsEmpty);
        Assert.Equal([1L, "Ada", 5m, null], row);
    }

    [Fact]
    public void Compile_missing_column_fails_execution()
    {
        var exception = Assert.Throws<ExecutionFailedException>(
            () => Compile(new SyncOverride { FieldId = "gone", Override = JsonValue.Create(1) }));

        Assert.Contains("gone", exception.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, object?> Replacements => new()
    {
        { "\"text\"", "text" },
        { "\"\"", "" },
        { "\"😀\"", "😀" },
        { "42", 42L },
        { "-9223372036854775808", long.MinValue },
        { "9223372036854775808", 9223372036854775808m },
        { "2.50", 2.50m },
        { "1e2", 100m },
        { "true", true },
        { "false", false },
        { "null", null },
        { "{\"a\":[1,2]}", "{\"a\":[1,2]}" },
        { "[1,\"x\"]", "[1,\"x\"]" },
    };

    [Theory]
    [MemberData(nameof(Replacements))]
    public void ConvertReplacement_maps_json_to_row_value(string json, object? expected)
    {
        var value = OverrideRules.ConvertReplacement(JsonNode.Parse(json), "overrides[0].override");

        Assert.Equal(expected, value);
        Assert.Equal(expected?.GetType(), value?.GetType());
    }

    [Fact]
    public void ConvertReplacement_number_beyond_decimal_is_rejected()
    {
        var exception = Assert.Throws<OutflowException>(
            () => OverrideRules.ConvertReplacement(JsonNode.Parse("1e40"), "overrides[0].override"));

        Assert.Equal("invalid_override", exception.Key);
        Assert.Equal("overrides[0].override", exception.Field);
    }

    [Fact]
    public void Parse_override_of_identity_field_is_rejected()
    {
        var item = new SyncOverride { FieldId = "id", Override = JsonValue.Create(7) };

        var exception = Assert.Throws<OutflowException>(() => Parse([item], identityField: "id"));

        Assert.Equal(ErrorKind.Unprocessable, exception.Kind);
        Assert.Equal("invalid_override", exception.Key);
        Assert.Equal("overrides[0].field_id", exception.Field);
        Assert.Equal("id", exception.Value);
    }

    [Fact]
    public void Parse_override_of_identity_field_by_reference_is_rejected()
    {
        var item = new SyncOverride { Field = new SourceField { ModelId = ModelId, Field = "id" }, Override = JsonValue.Create(7) };

        var exception = Assert.Throws<OutflowException>(() => Parse([item], identityField: "id"));

        Assert.Equal("invalid_override", exception.Key);
        Assert.Equal("overrides[0].field.field", exception.Field);
    }

    [Theory]
    [InlineData("Bogus", null, ErrorKind.Invalid, "invalid_field", "overrides[0].function")]
    [InlineData("GreaterThan", "\"abc\"", ErrorKind.Unprocessable, "invalid_override", "overrides[0].value")]
    [InlineData("Between", "[1]", ErrorKind.Unprocessable, "invalid_override", "overrides[0].value")]
    [InlineData("StringOneOf", "[]", ErrorKind.Unprocessable, "invalid_override", "overrides[0].value")]
    public void Parse_invalid_condition_names_field(string function, string? operand, ErrorKind kind, string key, string field)
    {
        var item = new SyncOverride
        {
            FieldId = "score",
            Function = function,
            Value = operand is null ? null : JsonNode.Parse(operand),
            Override = JsonValue.Create(1),
        };

        var exception = Assert.Throws<OutflowException>(() => Parse([item], identityField: "id"));

        Assert.Equal(kind, exception.Kind);
        Assert.Equal(key, exception.Key);
        Assert.Equal(field, exception.Field);
    }

    [Fact]
    public void Parse_unknown_field_names_field_id()
    {
        var item = new SyncOverride { FieldId = "nickname", Override = JsonValue.Create(1) };

        var exception = Assert.Throws<OutflowException>(() => Parse([item], identityField: "id"));

        Assert.Equal("unknown_model_field", exception.Key);
        Assert.Equal("overrides[0].field_id", exception.Field);
    }

    [Fact]
    public void Parse_other_model_is_rejected()
    {
        var item = new SyncOverride { Field = new SourceField { ModelId = Guid.NewGuid(), Field = "name" }, Override = JsonValue.Create(1) };

        var exception = Assert.Throws<OutflowException>(() => Parse([item], identityField: "id"));

        Assert.Equal("multiple_models_unsupported", exception.Key);
        Assert.Equal("overrides[0].field.model_id", exception.Field);
    }

    [Fact]
    public void Parse_without_field_reference_is_missing_field()
    {
        var item = new SyncOverride { Override = JsonValue.Create(1) };

        var exception = Assert.Throws<OutflowException>(() => Parse([item], identityField: "id"));

        Assert.Equal(ErrorKind.Invalid, exception.Kind);
        Assert.Equal("missing_field", exception.Key);
    }

    private static RowOverrides Compile(params SyncOverride[] overrides) => RowOverrides.Compile(overrides, Columns, Start);

    private static IReadOnlyList<OverrideRule> Parse(IReadOnlyList<SyncOverride> overrides, string? identityField) =>
        OverrideRules.Parse(overrides, identityField, ModelId, Columns.ToDictionary(c => c.Name, c => c.Type));
}
