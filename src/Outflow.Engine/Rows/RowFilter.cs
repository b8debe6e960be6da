using Outflow.Core;
using Outflow.Core.Connectors;
using Outflow.Core.Syncs;
using Outflow.Core.Syncs.Filtering;

namespace Outflow.Engine.Rows;

/// <summary>
/// Decides which model rows a sync writes: every filter must match, or, when the sync has <c>filter_logic</c>,
/// the expression over the filters' labels must be true.
/// </summary>
internal sealed class RowFilter
{
    private readonly FilterClause[] _clauses;
    private readonly int[] _columns;
    private readonly FilterExpression? _logic;
    private readonly DateTimeOffset _executionStart;

    private RowFilter(FilterClause[] clauses, int[] columns, FilterExpression? logic, DateTimeOffset executionStart)
    {
        _clauses = clauses;
        _columns = columns;
        _logic = logic;
        _executionStart = executionStart;
    }

    /// <summary>
    /// Compiles filters against the columns of the model's result. InTheLast and the Relative functions count back
    /// from <paramref name="executionStart"/>.
    /// </summary>
    /// <exception cref="ExecutionFailedException">
    /// A filter names a field that is not a column of the result, or no longer fits the column's type.
    /// </exception>
    public static RowFilter Compile(
        IReadOnlyList<SyncFilter>? filters, string? filterLogic, IReadOnlyList<SourceColumn> columns, DateTimeOffset executionStart)
    {
        FilterSet set;
        try
        {
            set = FilterSet.Parse(filters, filterLogic, modelId: null, FilterColumns.Types(columns));
        }
        catch (OutflowException exception)
        {
            throw new ExecutionFailedException(
                $"the sync's filters cannot run on the model's result: {exception.Message}. Update the sync's filters or the model",
                exception);
        }

        var clauses = set.Clauses.ToArray();
        var indexes = new int[clauses.Length];
        for (var i = 0; i < clauses.Length; i++)
        {
            indexes[i] = FilterColumns.IndexOf(columns, clauses[i].FieldName);
        }

        return new RowFilter(clauses, indexes, set.Logic, executionStart);
    }

    /// <summary>Returns true when the row passes the filters, and always when the sync has none.</summary>
    public bool Matches(object?[] row)
    {
        if (_logic is not null)
        {
            return _logic.Evaluate(static (state, index) => state.Filter.TestClause(index, state.Row), (Filter: this, Row: row));
        }

        for (var i = 0; i < _clauses.Length; i++)
        {
            if (!TestClause(i, row))
            {
                return false;
            }
        }

        return true;
    }

    private bool TestClause(int index, object?[] row) => _clauses[index].Condition.Test(row[_columns[index]], _executionStart);
}
