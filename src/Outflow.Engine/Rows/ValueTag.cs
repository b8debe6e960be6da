namespace Outflow.Engine.Rows;

/// <summary>
/// The type byte that starts each encoded value. The numbers are part of the stored row hashes, so an
/// existing member never changes its number.
/// </summary>
internal enum ValueTag : byte
{
    Null = 0,
    Boolean = 1,
    Int64 = 2,
    Decimal = 3,
    Double = 4,
    String = 5,
    DateTimeOffset = 6,
    DateTime = 7,
    DateOnly = 8,
    TimeOnly = 9,
    Binary = 10,
}
