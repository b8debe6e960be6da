using Outflow.Core.Connectors;
using Outflow.Engine.Planning;

namespace Outflow.Engine.Rows;

/// <summary>Picks a source row's identity value and the values of the written fields, by column position.</summary>
internal sealed class RowShaper
{
    private readonly int _identityColumn;
    private readonly int[] _columns;
    private readonly string?[] _constants;

    /// <exception cref="ExecutionFailedException">A field the plan reads is not a column of the model's result.</exception>
    public RowShaper(SyncPlan plan, IReadOnlyList<SourceColumn> columns)
    {
        _identityColumn = FindColumn(columns, plan.IdentitySourceField);
        _columns = new int[plan.Sources.Count];
        _constants = new string?[plan.Sources.Count];
        for (var i = 0; i < plan.Sources.Count; i++)
        {
            var source = plan.Sources[i];
            _constants[i] = source.Constant;
            _columns[i] = source.Constant is null ? FindColumn(columns, source.ModelField!) : -1;
        }
    }

    public int FieldCount => _columns.Length;

    public object? GetIdentity(object?[] row) => row[_identityColumn];

    /// <summary>Copies the written fields' values of <paramref name="row"/> into <paramref name="values"/>.</summary>
    public void Map(object?[] row, object?[] values)
    {
        for (var i = 0; i < _columns.Length; i++)
        {
            values[i] = _columns[i] >= 0 ? row[_columns[i]] : _constants[i];
        }
    }

    private static int FindColumn(IReadOnlyList<SourceColumn> columns, string name)
    {
        for (var i = 0; i < columns.Count; i++)
        {
            if (string.Equals(columns[i].Name, name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        var available = string.Join(", ", columns.Select(c => c.Name));
        throw new ExecutionFailedException(
            $"model field \"{name}\" is not a column of the model's result (columns: {available}). " +
            "Update the model or the sync's mapping");
    }
}
