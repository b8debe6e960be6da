namespace Outflow.Engine.Planning;

/// <summary>
/// Where a written field's value comes from: the model field <see cref="ModelField"/>, or when that is null the
/// constant <see cref="Constant"/> (a reader-contract value, null included).
/// </summary>
internal readonly record struct FieldSource(string? ModelField, object? Constant)
{
    public static FieldSource FromModel(string modelField) => new(modelField, null);

    public static FieldSource FromConstant(object? value) => new(null, value);
}
