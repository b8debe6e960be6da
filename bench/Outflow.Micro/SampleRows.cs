using System.Buffers.Binary;
using System.Globalization;

namespace Outflow.Micro;

/// <summary>
/// Rows shaped like <c>bench_source</c>, the model of bench/Outflow.Bench: a bigint key, two integers, two decimals,
/// two doubles, three strings (one with non-ASCII characters), an instant and a boolean, with nulls in four columns.
/// Values come from a seeded <see cref="Random"/>, so every run measures the same rows. Integers are boxed as
/// <see cref="long"/> because source readers return every integer that way.
/// </summary>
internal static class SampleRows
{
    public static readonly string[] FieldNames =
        ["id", "account", "delta", "amount", "rate", "share", "score", "code", "name", "notes", "created_at", "active"];

    private static readonly DateTimeOffset FirstInstant = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static object?[][] Create(int count, int seed)
    {
        var random = new Random(seed);
        var rows = new object?[count][];
        for (var i = 0; i < count; i++)
        {
            var id = (long)i + 1;
            rows[i] =
            [
                id,
                (long)random.Next(1_000_000),
                i % 10 == 0 ? null : (long)random.Next(-1000, 1001),
                new decimal(random.Next(10_000_000), 0, 0, false, 2),
                i % 7 == 0 ? null : new decimal(random.Next(), 0, 0, false, 6),
                random.NextDouble() * 1_000_000,
                i % 11 == 0 ? null : Math.Sqrt(id),
                "C" + random.Next(1_000_000).ToString("D7", CultureInfo.InvariantCulture),
                "name " + id.ToString(CultureInfo.InvariantCulture) + " " + new string('ü', random.Next(20)),
                i % 13 == 0 ? null : RandomHex(random, 32 * (1 + random.Next(5))),
                FirstInstant.AddSeconds(random.Next(100_000_000)),
                random.Next(3) == 0,
            ];
        }

        return rows;
    }

    /// <summary>Returns a random 128-bit value, as the engine's XXH128 hashes are spread over the whole range.</summary>
    public static UInt128 NextUInt128(Random random)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        return BinaryPrimitives.ReadUInt128LittleEndian(bytes);
    }

    private static string RandomHex(Random random, int length)
    {
        var bytes = new byte[length / 2];
        random.NextBytes(bytes);
        return Convert.ToHexStringLower(bytes);
    }
}
