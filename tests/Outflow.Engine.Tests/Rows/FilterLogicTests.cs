using Outflow.Core;
using Outflow.Core.Connectors;
using Outflow.Core.Syncs;
using Outflow.Core.Syncs.Filtering;
using Outflow.Engine.Rows;

namespace Outflow.Engine.Tests.Rows;

public sealed class FilterLogicTests
{
    private static readonly DateTimeOffset Start = new(2024, 6, 15, 12, 0, 0, TimeSpan.Zero);

    private static readonly SourceColumn[] Columns =
    [
        new("a", FieldType.Boolean, "boolean"),
        new("b", FieldType.Boolean, "boolean"),
        new("c", FieldType.Boolean, "boolean"),
    ];

    [Theory]
    [InlineData("A OR B AND C", "(0 OR (1 AND 2))")]
    [InlineData("A AND B OR C", "((0 AND 1) OR 2)")]
    [InlineData("NOT A AND B", "(NOT 0 AND 1)")]
    [InlineData("NOT (A OR B)", "NOT (0 OR 1)")]
    [InlineData("A OR B OR C", "((0 OR 1) OR 2)")]
    public void Parse_builds_tree_by_precedence(string logic, string expected)
    {
        Assert.Equal(expected, Parse(FiltersUsedBy(logic), logic).Logic!.ToString());
    }

    [Theory]
    [InlineData("A OR B AND C")]
    [InlineData("A AND B OR C")]
    [InlineData("NOT A AND B")]
    [InlineData("NOT (A AND B)")]
    [InlineData("(A OR B) AND C")]
    [InlineData("A and B or not C")]
    [InlineData("NOT NOT A")]
    [InlineData("A OR B OR C")]
    [InlineData("A AND B AND C")]
    [InlineData("((A))")]
    [InlineData("(A)AND(NOT B)")]
    [InlineData("  A\tOR\nB  ")]
    public void Matches_expression_for_every_combination(string logic)
    {
        var expected = ExpectedFor(logic);
        var rowFilter = RowFilter.Compile(FiltersUsedBy(logic), logic, Columns, Start);

        foreach (var a in new[] { false, true })
        {
            foreach (var b in new[] { false, true })
            {
                foreach (var c in new[] { false, true })
                {
                    Assert.True(
                        expected(a, b, c) == rowFilter.Matches([a, b, c]),
                        $"{logic} with A={a}, B={b}, C={c} should be {expected(a, b, c)}");
                }
            }
        }
    }

    [Fact]
    public void Matches_null_filter_value_inside_not()
    {
        var rowFilter = RowFilter.Compile(FiltersUsedBy("NOT A"), "NOT A", Columns, Start);

        // True on null is false, so NOT of it is true.
        Assert.True(rowFilter.Matches([null, null, null]));
    }

    [Fact]
    public void Matches_blank_logic_ands_all_filters()
    {
        var rowFilter = RowFilter.Compile(Filters(), " ", Columns, Start);

        Assert.True(rowFilter.Matches([true, true, true]));
        Assert.False(rowFilter.Matches([true, false, true]));
    }

    [Fact]
    public void Parse_filter_left_out_of_logic_is_rejected()
    {
        var exception = Assert.Throws<OutflowException>(() => ParseSet("A OR C"));

        Assert.Equal("invalid_filter_logic", exception.Key);
        Assert.Equal("filter_logic", exception.Field);
        Assert.Contains("filters[1]", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Matches_with_logic_does_not_allocate()
    {
        var rowFilter = RowFilter.Compile(Filters(), "A OR NOT (B AND C)", Columns, Start);
        object?[] row = [false, true, true];
        rowFilter.Matches(row);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            rowFilter.Matches(row);
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }

    [Theory]
    [InlineData("A XOR B", "XOR")]
    [InlineData("A && B", "&&")]
    [InlineData("A AND D", "D")]
    [InlineData("a AND B", "a")]
    [InlineData("A AND (B OR C", "(")]
    [InlineData("(A AND B", "(")]
    [InlineData("A AND B)", ")")]
    [InlineData("A AND", "AND")]
    [InlineData("AND A", "AND")]
    [InlineData("NOT", "NOT")]
    [InlineData("()", ")")]
    [InlineData("A B", "B")]
    [InlineData("A (B)", "(")]
    [InlineData("A OR OR B", "OR")]
    public void Parse_invalid_logic_names_token(string logic, string token)
    {
        var exception = Assert.Throws<OutflowException>(() => ParseSet(logic));

        Assert.Equal(ErrorKind.Unprocessable, exception.Kind);
        Assert.Equal("invalid_filter_logic", exception.Key);
        Assert.Equal("filter_logic", exception.Field);
        Assert.Equal(token, exception.Value);
        Assert.Contains(token, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_deep_nesting_is_rejected()
    {
        var logic = new string('(', 150) + "A" + new string(')', 150);

        var exception = Assert.Throws<OutflowException>(() => ParseSet(logic));

        Assert.Equal("invalid_filter_logic", exception.Key);
        Assert.Equal("filter_logic", exception.Field);
    }

    [Fact]
    public void Parse_nesting_within_limit_is_accepted()
    {
        var logic = new string('(', 50) + "A" + new string(')', 50) + " AND B AND C";

        Assert.NotNull(ParseSet(logic).Logic);
    }

    [Fact]
    public void Parse_filter_without_label_is_rejected_with_logic()
    {
        var filters = Filters();
        filters[1] = filters[1] with { Label = null };

        var exception = Assert.Throws<OutflowException>(() => Parse(filters, "A OR C"));

        Assert.Equal("invalid_filter_logic", exception.Key);
        Assert.Equal("filters[1].label", exception.Field);
        Assert.Contains("filter_logic", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_filter_without_label_is_accepted_without_logic()
    {
        var filters = Filters();
        filters[1] = filters[1] with { Label = null };

        Assert.Equal(3, Parse(filters, null).Clauses.Count);
    }

    [Fact]
    public void Parse_duplicate_labels_are_rejected()
    {
        var filters = Filters();
        filters[2] = filters[2] with { Label = "A" };

        var exception = Assert.Throws<OutflowException>(() => Parse(filters, null));

        Assert.Equal(ErrorKind.Unprocessable, exception.Kind);
        Assert.Equal("invalid_filter_logic", exception.Key);
        Assert.Equal("filters[2].label", exception.Field);
        Assert.Equal("A", exception.Value);
    }

    [Theory]
    [InlineData("my label")]
    [InlineData("f(x)")]
    [InlineData("and")]
    [InlineData("Not")]
    public void Parse_label_unusable_in_logic_is_rejected(string label)
    {
        var filters = Filters();
        filters[0] = filters[0] with { Label = label };

        var exception = Assert.Throws<OutflowException>(() => Parse(filters, "B"));

        Assert.Equal("invalid_filter_logic", exception.Key);
        Assert.Equal("filters[0].label", exception.Field);
    }

    [Fact]
    public void Parse_labels_are_case_sensitive()
    {
        var filters = Filters();
        filters[0] = filters[0] with { Label = "a" };
        filters[2] = filters[2] with { Label = "A" };

        var set = Parse(filters, "a AND A OR B");

        Assert.Equal("((0 AND 2) OR 1)", set.Logic!.ToString());
    }

    private static SyncFilter[] Filters() =>
    [
        new() { Function = "True", FieldId = "a", Label = "A" },
        new() { Function = "True", FieldId = "b", Label = "B" },
        new() { Function = "True", FieldId = "c", Label = "C" },
    ];

    private static FilterSet ParseSet(string logic) => Parse(Filters(), logic);

    /// <summary>The filters whose labels the expression names, since a filter left out of it is rejected.</summary>
    private static SyncFilter[] FiltersUsedBy(string logic) =>
        Filters().Where(f => System.Text.RegularExpressions.Regex.IsMatch(logic, $@"(?<![A-Za-z]){f.Label}(?![A-Za-z])")).ToArray();

    private static FilterSet Parse(IReadOnlyList<SyncFilter> filters, string? logic) =>
        FilterSet.Parse(filters, logic, null, Columns.ToDictionary(c => c.Name, c => c.Type));

    private static Func<bool, bool, bool, bool> ExpectedFor(string logic) => logic switch
    {
        "A OR B AND C" => (a, b, c) => a || (b && c),
        "A AND B OR C" => (a, b, c) => (a && b) || c,
        "NOT A AND B" => (a, b, _) => !a && b,
        "NOT (A AND B)" => (a, b, _) => !(a && b),
        "(A OR B) AND C" => (a, b, c) => (a || b) && c,
        "A and B or not C" => (a, b, c) => (a && b) || !c,
        "NOT NOT A" => (a, _, _) => a,
        "A OR B OR C" => (a, b, c) => a || b || c,
        "A AND B AND C" => (a, b, c) => a && b && c,
        "((A))" => (a, _, _) => a,
        "(A)AND(NOT B)" => (a, b, _) => a && !b,
        "  A\tOR\nB  " => (a, b, _) => a || b,
        _ => throw new ArgumentOutOfRangeException(nameof(logic), logic, "no expected function for this expression"),
    };
}
