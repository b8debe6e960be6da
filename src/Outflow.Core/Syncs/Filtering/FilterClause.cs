namespace Outflow.Core.Syncs.Filtering;

/// <summary>One validated filter: its JSON path, the model field it tests, its label and its condition.</summary>
public sealed record FilterClause(string Path, string FieldName, string? Label, FilterCondition Condition);
