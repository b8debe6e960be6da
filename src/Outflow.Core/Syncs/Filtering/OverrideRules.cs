using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Outflow.Core.Connectors;

namespace Outflow.Core.Syncs.Filtering;

/// <summary>Validates a sync's overrides: conditional replacements of model field values, applied in list order.</summary>
public static class OverrideRules
{
    /// <summary>Validates overrides against the model's fields and converts each replacement to a row value.</summary>
    /// <param name="overrides">The sync's <c>overrides</c>; null means none.</param>
    /// <param name="identityField">The identity's model field, which no override may replace; null when the sync has none.</param>
    /// <param name="modelId">The sync's model, which <c>field.model_id</c> must name; null skips that check.</param>
    /// <param name="fields">The model's field names and types.</param>
    /// <exception cref="OutflowException">
    /// An override is invalid: 400 for a missing field reference or an unknown function, 422 for the rest, naming the
    /// JSON path (<c>overrides[0].function</c>).
    /// </exception>
    public static IReadOnlyList<OverrideRule> Parse(
        IReadOnlyList<SyncOverride?>? overrides,
        string? identityField,
        Guid? modelId,
        IReadOnlyDictionary<string, FieldType> fields)
    {
        overrides ??= [];
        var rules = new OverrideRule[overrides.Count];
        for (var i = 0; i < overrides.Count; i++)
        {
            rules[i] = ParseRule(overrides[i], $"overrides[{i}]", identityField, modelId, fields);
        }

        return rules;
    }

    /// <summary>
    /// Converts a replacement: a JSON string to a string, an integer to a long, any other number to a decimal, a
    /// boolean to a bool, null to null, and an object or array to its JSON text.
    /// </summary>
    /// <exception cref="OutflowException">A number is out of the range of a decimal (422).</exception>
    public static object? ConvertReplacement(JsonNode? replacement, string path)
    {
        if (replacement is null)
        {
            return null;
        }

        switch (replacement.GetValueKind())
        {
            case JsonValueKind.String:
                return replacement.GetValue<string>();
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            case JsonValueKind.Number:
                var text = replacement.ToJsonString();
                var isInteger = !text.Contains('.', StringComparison.Ordinal) && !text.Contains('e', StringComparison.OrdinalIgnoreCase);
                if (isInteger && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
                {
                    return integer;
                }

                if (decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
                {
                    return number;
                }

                throw OutflowException.Unprocessable(
                    FilterErrorKeys.InvalidOverride,
                    $"{path} {text} is out of the range of exact decimals (about 28 digits): send it as a string",
                    path,
                    text);
            default:
                return replacement.ToJsonString();
        }
    }

    private static OverrideRule ParseRule(
        SyncOverride? item, string path, string? identityField, Guid? modelId, IReadOnlyDictionary<string, FieldType> fields)
    {
        if (item is null)
        {
            throw OutflowException.Invalid(FilterErrorKeys.MissingField, $"{path} is null: remove it or set an override", path);
        }

        var (name, type) = ModelFieldReference.Resolve(item.Field, item.FieldId, fieldIdWins: true, path, modelId, fields);
        if (identityField is not null && string.Equals(name, identityField, StringComparison.Ordinal))
        {
            var namePath = !string.IsNullOrEmpty(item.FieldId) ? $"{path}.field_id" : $"{path}.field.field";
            throw OutflowException.Unprocessable(
                FilterErrorKeys.InvalidOverride,
                $"{path} replaces {name}, the identity's model field, which would change the record a row matches: "
                + "override another field, or change the identity",
                namePath,
                name);
        }

        FilterCondition? condition = null;
        if (item.Function is not null)
        {
            if (!FilterFunctions.TryParse(item.Function, out var function))
            {
                throw OutflowException.Invalid(
                    FilterErrorKeys.InvalidField,
                    $"{path}.function {item.Function} is not a filter function: use one of {string.Join(", ", FilterFunctions.WireNames)}, "
                    + "or leave it out to always replace",
                    $"{path}.function",
                    item.Function);
            }

            condition = FilterCondition.Parse(function, item.Value, type, $"{path}.value", FilterErrorKeys.InvalidOverride);
        }

        var replacement = ConvertReplacement(item.Override, $"{path}.override");
        return new OverrideRule(path, name, condition, replacement);
    }
}
