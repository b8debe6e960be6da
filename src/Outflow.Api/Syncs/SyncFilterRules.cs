using Outflow.Api.Errors;
using Outflow.Core;
using Outflow.Core.Connectors;
using Outflow.Core.Models;
using Outflow.Core.Syncs;
using Outflow.Core.Syncs.Filtering;

namespace Outflow.Api.Syncs;

/// <summary>Checks a sync's filters, filter_logic and overrides against its model before the sync is stored.</summary>
internal static class SyncFilterRules
{
    /// <summary>
    /// Validates filters, filter_logic and overrides with the same rules the engine runs them by, and rejects an
    /// override of the identity's model field.
    /// </summary>
    /// <exception cref="OutflowException">
    /// An entry is invalid: 400 for a missing or unknown function or field type, 422 for the rest, naming the JSON
    /// path of the offending input.
    /// </exception>
    public static void Check(SyncConfiguration configuration, Model model)
    {
        var fields = new Dictionary<string, FieldType>(StringComparer.Ordinal);
        foreach (var field in model.Fields)
        {
            fields.TryAdd(field.Name, field.Type);
        }

        FilterSet.Parse(configuration.Filters, configuration.FilterLogic, model.Id, fields);
        var overrides = configuration.Overrides ?? [];
        for (var i = 0; i < overrides.Count; i++)
        {
            // Blanking a field on every matching row is easy to do by accident, so the replacement must be explicit.
            if (overrides[i] is { HasOverride: false })
            {
                throw OutflowException.Invalid(
                    ApiErrorKeys.MissingField,
                    $"overrides[{i}].override is required: set the replacement value, or null to clear the field",
                    $"overrides[{i}].override");
            }
        }

        OverrideRules.Parse(configuration.Overrides, configuration.Identity?.Source?.Field, model.Id, fields);
    }
}
