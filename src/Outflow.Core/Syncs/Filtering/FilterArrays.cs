using System.Text;
using System.Text.Json;
using Outflow.Core.Connectors;

namespace Outflow.Core.Syncs.Filtering;

/// <summary>
/// Reads the elements of an array-valued field for ArrayContains: JSON array text (<c>["a", 1]</c>) or a PostgreSQL
/// array literal (<c>{a,b,"c d"}</c>). Any other value is taken as a one-element array.
/// </summary>
internal static class FilterArrays
{
    /// <summary>Returns true when any element equals any of the operands, comparing as Equality does.</summary>
    public static bool ContainsAny(object value, FilterOperand[] operands)
    {
        if (value is not string text)
        {
            return ContainsElement(value, operands);
        }

        var trimmed = text.AsSpan().Trim();
        if (trimmed.Length > 0 && trimmed[0] == '[')
        {
            return ContainsJsonElement(text, operands);
        }

        if (trimmed.Length > 1 && trimmed[0] == '{' && trimmed[^1] == '}')
        {
            return ContainsLiteralElement(trimmed, operands);
        }

        return ContainsElement(text, operands);
    }

    private static bool ContainsJsonElement(string text, FilterOperand[] operands)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException)
        {
            return ContainsElement(text, operands);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                return ContainsElement(text, operands);
            }

            foreach (var element in document.RootElement.EnumerateArray())
            {
                object? item = element.ValueKind switch
                {
                    JsonValueKind.String => element.GetString(),
                    JsonValueKind.Number => element.TryGetDecimal(out var number) ? number : element.GetDouble(),
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    JsonValueKind.Null => null,
                    _ => element.GetRawText(),
                };
                if (item is not null && ContainsElement(item, operands))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>
    /// Scans a PostgreSQL array literal. Commas separate elements, and a quoted element may contain commas, braces
    /// and backslash escapes. An unquoted NULL is a null element, and nested arrays are flattened.
    /// </summary>
    private static bool ContainsLiteralElement(ReadOnlySpan<char> literal, FilterOperand[] operands)
    {
        var element = new StringBuilder();
        var quoted = false;
        var wasQuoted = false;
        var hasElement = false;
        for (var i = 0; i < literal.Length; i++)
        {
            var character = literal[i];
            if (quoted)
            {
                if (character == '\\' && i + 1 < literal.Length)
                {
                    element.Append(literal[++i]);
                }
                else if (character == '"')
                {
                    quoted = false;
                }
                else
                {
                    element.Append(character);
                }

                continue;
            }

            switch (character)
            {
                case '"':
                    quoted = true;
                    wasQuoted = true;
                    hasElement = true;
                    break;
                case '{':
                    break;
                case ',' or '}':
                    if (hasElement && MatchesLiteralElement(element, wasQuoted, operands))
                    {
                        return true;
                    }

                    element.Clear();
                    wasQuoted = false;
                    hasElement = false;
                    break;
                default:
                    if (!char.IsWhiteSpace(character) || element.Length > 0)
                    {
                        element.Append(character);
                        hasElement = true;
                    }

                    break;
            }
        }

        return false;
    }

    private static bool MatchesLiteralElement(StringBuilder element, bool wasQuoted, FilterOperand[] operands)
    {
        var text = wasQuoted ? element.ToString() : element.ToString().TrimEnd();
        if (!wasQuoted && string.Equals(text, "NULL", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return ContainsElement(text, operands);
    }

    private static bool ContainsElement(object element, FilterOperand[] operands)
    {
        foreach (var operand in operands)
        {
            if (FilterValues.Compare(element, operand, FieldType.Unknown, asInstant: false) == 0)
            {
                return true;
            }
        }

        return false;
    }
}
