namespace Outflow.Core.Connectors;

/// <summary>A column of a model's result: its name, normalized type and the source's native type name.</summary>
public sealed record SourceColumn(string Name, FieldType Type, string RemoteType);
