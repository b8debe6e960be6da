using Outflow.Core.Connectors;

namespace Outflow.Core.Syncs.Filtering;

/// <summary>
/// A sync's validated filters and <c>filter_logic</c>. Without an expression every filter must match (AND); with
/// one, a row matches when the expression over the filters' labels is true.
/// </summary>
public sealed class FilterSet
{
    private FilterSet(IReadOnlyList<FilterClause> clauses, FilterExpression? logic)
    {
        Clauses = clauses;
        Logic = logic;
    }

    public IReadOnlyList<FilterClause> Clauses { get; }

    /// <summary>The parsed <c>filter_logic</c>, or null when it is absent or blank.</summary>
    public FilterExpression? Logic { get; }

    /// <summary>Validates filters and filter_logic against the model's fields.</summary>
    /// <param name="filters">The sync's <c>filters</c>; null means none.</param>
    /// <param name="filterLogic">The sync's <c>filter_logic</c>; null or blank ANDs all filters.</param>
    /// <param name="modelId">The sync's model, which <c>field.model_id</c> must name; null skips that check.</param>
    /// <param name="fields">The model's field names and types.</param>
    /// <exception cref="OutflowException">
    /// A filter or filter_logic is invalid: 400 for a missing or unknown function or field type, 422 for the rest,
    /// naming the JSON path (<c>filters[2].value</c>, <c>filter_logic</c>).
    /// </exception>
    public static FilterSet Parse(
        IReadOnlyList<SyncFilter?>? filters, string? filterLogic, Guid? modelId, IReadOnlyDictionary<string, FieldType> fields)
    {
        filters ??= [];
        var clauses = new FilterClause[filters.Count];
        for (var i = 0; i < filters.Count; i++)
        {
            clauses[i] = ParseClause(filters[i], $"filters[{i}]", modelId, fields);
        }

        var labels = CollectLabels(clauses);
        if (string.IsNullOrWhiteSpace(filterLogic))
        {
            return new FilterSet(clauses, null);
        }

        foreach (var clause in clauses)
        {
            CheckUsableLabel(clause);
        }

        var logic = FilterLogicParser.Parse(filterLogic, labels);

        // A filter the expression leaves out would be silently ignored, which is rarely what its author meant.
        var used = new HashSet<int>();
        CollectFilters(logic, used);
        for (var i = 0; i < clauses.Length; i++)
        {
            if (!used.Contains(i))
            {
                throw OutflowException.Unprocessable(
                    FilterErrorKeys.InvalidFilterLogic,
                    $"filter_logic does not use {clauses[i].Path} (label {clauses[i].Label}): add the label to filter_logic or remove the filter",
                    "filter_logic",
                    filterLogic);
            }
        }

        return new FilterSet(clauses, logic);
    }

    private static void CollectFilters(FilterExpression expression, HashSet<int> used)
    {
        if (expression.Kind == FilterExpressionKind.Filter)
        {
            used.Add(expression.FilterIndex);
            return;
        }

        CollectFilters(expression.Left!, used);
        if (expression.Right is not null)
        {
            CollectFilters(expression.Right, used);
        }
    }

    private static FilterClause ParseClause(SyncFilter? filter, string path, Guid? modelId, IReadOnlyDictionary<string, FieldType> fields)
    {
        if (filter is null)
        {
            throw OutflowException.Invalid(FilterErrorKeys.MissingField, $"{path} is null: remove it or set a filter", path);
        }

        if (string.IsNullOrEmpty(filter.Function))
        {
            throw OutflowException.Invalid(FilterErrorKeys.MissingField, $"{path}.function is required", $"{path}.function");
        }

        if (!FilterFunctions.TryParse(filter.Function, out var function))
        {
            throw OutflowException.Invalid(
                FilterErrorKeys.InvalidField,
                $"{path}.function {filter.Function} is not a filter function: use one of {string.Join(", ", FilterFunctions.WireNames)}",
                $"{path}.function",
                filter.Function);
        }

        CheckFieldType(filter.FieldType, path);
        var (name, type) = ModelFieldReference.Resolve(filter.Field, filter.FieldId, fieldIdWins: false, path, modelId, fields);
        var condition = FilterCondition.Parse(function, filter.Value, type, $"{path}.value", FilterErrorKeys.InvalidFilter);
        var label = string.IsNullOrEmpty(filter.Label) ? null : filter.Label;
        return new FilterClause(path, name, label, condition);
    }

    private static void CheckFieldType(string? fieldType, string path)
    {
        switch (fieldType)
        {
            case null or "Model":
                return;
            case "Target":
                throw OutflowException.Unprocessable(
                    FilterErrorKeys.UnsupportedOption,
                    $"{path}.field_type Target is not supported: no Outflow target can filter on its own fields, so filter on a "
                    + "model field with field_type Model",
                    $"{path}.field_type",
                    fieldType);
            default:
                throw OutflowException.Invalid(
                    FilterErrorKeys.InvalidField,
                    $"{path}.field_type {fieldType} is not a field reference type: use Model",
                    $"{path}.field_type",
                    fieldType);
        }
    }

    private static Dictionary<string, int> CollectLabels(FilterClause[] clauses)
    {
        var labels = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < clauses.Length; i++)
        {
            var label = clauses[i].Label;
            if (label is null)
            {
                continue;
            }

            if (!labels.TryAdd(label, i))
            {
                throw OutflowException.Unprocessable(
                    FilterErrorKeys.InvalidFilterLogic,
                    $"filters[{labels[label]}] and filters[{i}] both have label {label}: give each filter its own label",
                    $"filters[{i}].label",
                    label);
            }
        }

        return labels;
    }

    private static void CheckUsableLabel(FilterClause clause)
    {
        if (clause.Label is null)
        {
            throw OutflowException.Unprocessable(
                FilterErrorKeys.InvalidFilterLogic,
                $"{clause.Path} has no label, so filter_logic cannot refer to it: give every filter a label when filter_logic is set",
                $"{clause.Path}.label");
        }

        if (!FilterLogicParser.IsUsableLabel(clause.Label))
        {
            throw OutflowException.Unprocessable(
                FilterErrorKeys.InvalidFilterLogic,
                $"{clause.Path}.label {clause.Label} cannot appear in filter_logic: use a label without spaces or parentheses "
                + "that is not AND, OR or NOT",
                $"{clause.Path}.label",
                clause.Label);
        }
    }
}
