using Outflow.Core;
using Outflow.Core.Connectors;
using Outflow.Core.Syncs;
using Outflow.Core.Syncs.Filtering;

namespace Outflow.Engine.Rows;

/// <summary>
/// Replaces model field values in a source row before it is mapped, so that every mapping from a field reads the
/// replaced value. Overrides apply in list order, each testing the field's value as earlier overrides left it.
/// </summary>
internal sealed class RowOverrides
{
    private readonly OverrideRule[] _rules;
    private readonly int[] _columns;
    private readonly DateTimeOffset _executionStart;

    private RowOverrides(OverrideRule[] rules, int[] columns, DateTimeOffset executionStart)
    {
        _rules = rules;
        _columns = columns;
        _executionStart = executionStart;
    }

    public bool IsEmpty => _rules.Length == 0;

    /// <summary>
    /// Compiles overrides against the columns of the model's result. InTheLast and the Relative functions count back
    /// from <paramref name="executionStart"/>.
    /// </summary>
    /// <exception cref="ExecutionFailedException">
    /// An override names a field that is not a column of the result, or no longer fits the column's type.
    /// </exception>
    public static RowOverrides Compile(
        IReadOnlyList<SyncOverride>? overrides, IReadOnlyList<SourceColumn> columns, DateTimeOffset executionStart)
    {
        IReadOnlyList<OverrideRule> rules;
        try
        {
            // The API rejects overrides of the identity's field when the sync is saved, so none is passed here.
            rules = OverrideRules.Parse(overrides, identityField: null, modelId: null, FilterColumns.Types(columns));
        }
        catch (OutflowException exception)
        {
            throw new ExecutionFailedException(
                $"the sync's overrides cannot run on the model's result: {exception.Message}. Update the sync's overrides or the model",
                exception);
        }

        var indexes = new int[rules.Count];
        for (var i = 0; i < rules.Count; i++)
        {
            indexes[i] = FilterColumns.IndexOf(columns, rules[i].FieldName);
        }

        return new RowOverrides(rules.ToArray(), indexes, executionStart);
    }

    /// <summary>Applies every override whose condition is true to <paramref name="row"/>, in place.</summary>
    public void Apply(object?[] row)
    {
        for (var i = 0; i < _rules.Length; i++)
        {
            var rule = _rules[i];
            var column = _columns[i];
            if (rule.Condition is null || rule.Condition.Test(row[column], _executionStart))
            {
                row[column] = rule.Replacement;
            }
        }
    }
}
