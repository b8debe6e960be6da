namespace Outflow.Engine.Planning;

/// <summary>Where a written field's value comes from: a model field by name, or a constant when <see cref="Constant"/> is set.</summary>
internal readonly record struct FieldSource(string? ModelField, string? Constant);
