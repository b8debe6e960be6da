namespace Outflow.Core.Syncs.Filtering;

/// <summary>
/// One validated override: the model field it replaces, the condition on the field's current value (null means
/// always) and the replacement, as a <see cref="string"/>, <see cref="long"/>, <see cref="decimal"/>,
/// <see cref="bool"/> or null.
/// </summary>
public sealed record OverrideRule(string Path, string FieldName, FilterCondition? Condition, object? Replacement);
