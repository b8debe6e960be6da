namespace Outflow.Core.Syncs.Filtering;

/// <summary>The node types of a parsed <c>filter_logic</c> expression.</summary>
public enum FilterExpressionKind
{
    /// <summary>The result of one filter, by its position in the sync's filters.</summary>
    Filter,
    Not,
    And,
    Or,
}
