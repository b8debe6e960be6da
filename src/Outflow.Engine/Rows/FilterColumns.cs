using Outflow.Core.Connectors;

namespace Outflow.Engine.Rows;

/// <summary>Looks up the columns of a model's result by name for filters and overrides.</summary>
internal static class FilterColumns
{
    /// <summary>Returns each column's type by name. The first of two columns with one name wins, as in the row shaper.</summary>
    public static Dictionary<string, FieldType> Types(IReadOnlyList<SourceColumn> columns)
    {
        var types = new Dictionary<string, FieldType>(StringComparer.Ordinal);
        foreach (var column in columns)
        {
            types.TryAdd(column.Name, column.Type);
        }

        return types;
    }

    public static int IndexOf(IReadOnlyList<SourceColumn> columns, string name)
    {
        for (var i = 0; i < columns.Count; i++)
        {
            if (string.Equals(columns[i].Name, name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        throw new InvalidOperationException($"column {name} was validated but is missing from the model's result");
    }
}
