using Outflow.Core.Connectors;
using Outflow.Engine.Planning;

namespace Outflow.Engine.Rows;

/// <summary>
/// Picks, by column position, a source row's identity value, the values of the written fields and the values of
/// the tracking columns.
/// </summary>
internal sealed class RowShaper
{
    private readonly int _identityColumn;
    private readonly int[] _columns;
    private readonly object?[] _constants;
    private readonly int[] _trackingColumns;

    /// <exception cref="ExecutionFailedException">A field the plan reads is not a column of the model's result.</exception>
    public RowShaper(SyncPlan plan, IReadOnlyList<SourceColumn> columns)
    {
        _identityColumn = plan.IdentitySourceField is null ? -1 : FindColumn(columns, plan.IdentitySourceField);
        _columns = new int[plan.Sources.Count];
        _constants = new object?[plan.Sources.Count];
        for (var i = 0; i < plan.Sources.Count; i++)
        {
            var source = plan.Sources[i];
            _constants[i] = source.Constant;
            _columns[i] = source.ModelField is null ? -1 : FindColumn(columns, source.ModelField);
        }

        _trackingColumns = plan.TrackingColumns.Select(name => FindColumn(columns, name)).ToArray();
    }

    public int FieldCount => _columns.Length;

    public int TrackingCount => _trackingColumns.Length;

    /// <summary>Returns the row's identity value, or null when the plan has no identity.</summary>
    public object? GetIdentity(object?[] row) => _identityColumn >= 0 ? row[_identityColumn] : null;

    /// <summary>Copies the written fields' values of <paramref name="row"/> into <paramref name="values"/>.</summary>
    public void Map(object?[] row, object?[] values)
    {
        for (var i = 0; i < _columns.Length; i++)
        {
            values[i] = _columns[i] >= 0 ? row[_columns[i]] : _constants[i];
        }
    }

    /// <summary>Copies the tracking columns' values of <paramref name="row"/> into <paramref name="values"/>.</summary>
    public void MapTracking(object?[] row, object?[] values)
    {
        for (var i = 0; i < _trackingColumns.Length; i++)
        {
            values[i] = row[_trackingColumns[i]];
        }
    }

    /// <exception cref="ExecutionFailedException">No column has that name.</exception>
    public static int FindColumn(IReadOnlyList<SourceColumn> columns, string name)
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
