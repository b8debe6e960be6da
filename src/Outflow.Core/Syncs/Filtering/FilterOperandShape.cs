namespace Outflow.Core.Syncs.Filtering;

/// <summary>The JSON shape of the operand (<c>value</c>) that a filter function takes.</summary>
internal enum FilterOperandShape
{
    /// <summary>No operand; a value that is present is ignored.</summary>
    None,

    /// <summary>One string, number or boolean.</summary>
    Scalar,

    /// <summary>An array of scalars; a single scalar is taken as a one-element array.</summary>
    List,

    /// <summary>A two-element array <c>[low, high]</c>.</summary>
    Range,

    /// <summary>An object <c>{"value": N, "unit": "minutes|hours|days|weeks|months"}</c>.</summary>
    Period,
}
