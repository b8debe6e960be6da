using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Outflow.Core.Syncs.Filtering;

/// <summary>
/// One scalar operand of a filter, read once into every form a field value may be compared with: its text, its
/// numeric value, the instant it names and its boolean meaning. A form is null when the operand has none.
/// </summary>
internal sealed class FilterOperand
{
    private FilterOperand(string text, bool isJsonNumber)
    {
        Text = text;
        IsJsonNumber = isJsonNumber;
    }

    /// <summary>The string itself, a number's JSON text, or <c>true</c>/<c>false</c>.</summary>
    public string Text { get; }

    /// <summary>True when the operand was a JSON number rather than a string holding one.</summary>
    public bool IsJsonNumber { get; }

    public decimal? Decimal { get; private init; }

    public double? Double { get; private init; }

    public DateTimeOffset? Instant { get; private init; }

    public TimeOnly? Time { get; private init; }

    public bool? Boolean { get; private init; }

    public bool IsNumeric => Decimal is not null || Double is not null;

    /// <summary>Reads a JSON string, number or boolean; returns null for any other node.</summary>
    public static FilterOperand? TryRead(JsonNode? node)
    {
        if (node is not JsonValue value)
        {
            return null;
        }

        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                return FromString(value.GetValue<string>());
            case JsonValueKind.Number:
                var text = value.ToJsonString();
                return new FilterOperand(text, isJsonNumber: true)
                {
                    Decimal = FilterValues.ParseDecimal(text),
                    Double = FilterValues.ParseDouble(text),
                    Boolean = text switch
                    {
                        "1" => true,
                        "0" => false,
                        _ => null,
                    },
                };
            case JsonValueKind.True:
                return new FilterOperand("true", isJsonNumber: false) { Boolean = true };
            case JsonValueKind.False:
                return new FilterOperand("false", isJsonNumber: false) { Boolean = false };
            default:
                return null;
        }
    }

    private static FilterOperand FromString(string text) => new(text, isJsonNumber: false)
    {
        Decimal = FilterValues.ParseDecimal(text),
        Double = FilterValues.ParseDouble(text),
        Instant = FilterValues.ParseInstant(text),
        Time = TimeOnly.TryParseExact(text, ["HH:mm", "HH:mm:ss", "HH:mm:ss.FFFFFFF"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)
            ? time
            : null,
        Boolean = FilterValues.ParseBoolean(text),
    };
}
