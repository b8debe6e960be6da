using Outflow.Core.Connectors;

namespace Outflow.Core.Syncs.Filtering;

/// <summary>Resolves the model field a filter or an override names, by <c>field</c> (a model field reference) or <c>field_id</c> (a name).</summary>
internal static class ModelFieldReference
{
    /// <summary>Returns the field's name and type.</summary>
    /// <param name="field">The <c>field</c> reference, with a model id and a field name.</param>
    /// <param name="fieldId">The <c>field_id</c>, a model field name.</param>
    /// <param name="fieldIdWins">True for overrides, where <c>field_id</c> wins over <c>field</c>; filters prefer <c>field</c>.</param>
    /// <param name="modelId">The sync's model, or null to skip the model check (the engine reads one model only).</param>
    /// <param name="path">The JSON path of the filter or override (<c>filters[0]</c>).</param>
    /// <param name="fields">The model's field names and types.</param>
    /// <exception cref="OutflowException">
    /// Neither is set (400), <c>field.model_id</c> is another model (422), or the model has no such field (422).
    /// </exception>
    public static (string Name, FieldType Type) Resolve(
        SourceField? field,
        string? fieldId,
        bool fieldIdWins,
        string path,
        Guid? modelId,
        IReadOnlyDictionary<string, FieldType> fields)
    {
        var useFieldId = !string.IsNullOrEmpty(fieldId) && (fieldIdWins || field is null);
        string name;
        string namePath;
        if (useFieldId)
        {
            name = fieldId!;
            namePath = $"{path}.field_id";
        }
        else if (field is not null)
        {
            CheckModel(field, path, modelId);
            if (string.IsNullOrWhiteSpace(field.Field))
            {
                throw OutflowException.Invalid(FilterErrorKeys.MissingField, $"{path}.field.field is required", $"{path}.field.field");
            }

            name = field.Field;
            namePath = $"{path}.field.field";
        }
        else
        {
            throw OutflowException.Invalid(
                FilterErrorKeys.MissingField,
                $"{path} names no model field: set field (with model_id and field) or field_id",
                $"{path}.field");
        }

        if (!fields.TryGetValue(name, out var type))
        {
            throw OutflowException.Unprocessable(
                FilterErrorKeys.UnknownModelField,
                $"model field {name} does not exist in the sync's model: use one of {string.Join(", ", fields.Keys)}",
                namePath,
                name);
        }

        return (name, type);
    }

    private static void CheckModel(SourceField field, string path, Guid? modelId)
    {
        if (field.ModelId == Guid.Empty)
        {
            throw OutflowException.Invalid(FilterErrorKeys.MissingField, $"{path}.field.model_id is required", $"{path}.field.model_id");
        }

        if (modelId is { } expected && field.ModelId != expected)
        {
            throw OutflowException.Unprocessable(
                FilterErrorKeys.MultipleModelsUnsupported,
                $"{path}.field.model_id {field.ModelId} differs from the sync's model {expected}: a sync reads one model",
                $"{path}.field.model_id",
                field.ModelId);
        }
    }
}
