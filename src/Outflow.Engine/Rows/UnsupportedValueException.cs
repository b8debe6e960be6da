namespace Outflow.Engine.Rows;

/// <summary>A source returned a value whose .NET type is not among the types a source reader may return.</summary>
internal sealed class UnsupportedValueException(string fieldName, Type valueType)
    : Exception($"target field \"{fieldName}\" received a value of unsupported type {valueType.Name} from the source. " +
        "This is a connector bug. Report it with the model's column types")
{
}
