using System.Buffers.Binary;
using System.Globalization;
using System.IO.Hashing;
using System.Text;
using Outflow.Engine.Rows;

namespace Outflow.Engine.Tests.Rows;

public sealed class RowEncoderTests
{
    private static readonly string[] Fields = ["id", "name", "amount"];

    [Fact]
    public void Encode_equal_values_equal_hash()
    {
        var first = Hash(Fields, 42L, "Ada", 1.5m);
        var second = Hash(Fields, 42L, new string(['A', 'd', 'a']), 1.5m);

        Assert.Equal(first, second);
    }

    [Fact]
    public void Encode_changed_value_changes_hash()
    {
        var original = Hash(Fields, 42L, "Ada", 1.5m);

        Assert.NotEqual(original, Hash(Fields, 43L, "Ada", 1.5m));
        Assert.NotEqual(original, Hash(Fields, 42L, "Ada ", 1.5m));
        Assert.NotEqual(original, Hash(Fields, 42L, "Ada", 1.6m));
    }

    [Fact]
    public void Encode_changed_type_changes_hash()
    {
        var original = Hash(Fields, 42L, "Ada", 1.5m);

        Assert.NotEqual(original, Hash(Fields, "42", "Ada", 1.5m));
        Assert.NotEqual(original, Hash(Fields, 42m, "Ada", 1.5m));
        Assert.NotEqual(original, Hash(Fields, 42L, "Ada", 1.5d));
    }

    [Fact]
    public void Encode_renamed_field_changes_hash()
    {
        var original = Hash(Fields, 42L, "Ada", 1.5m);

        Assert.NotEqual(original, Hash(["id", "full_name", "amount"], 42L, "Ada", 1.5m));
    }

    [Fact]
    public void Encode_null_and_empty_string_differ()
    {
        Assert.NotEqual(Hash(Fields, 42L, null, 1.5m), Hash(Fields, 42L, "", 1.5m));
    }

    [Fact]
    public void Encode_value_moved_between_fields_changes_hash()
    {
        // Length prefixes keep field boundaries: ("ab", "") must not hash like ("a", "b").
        string[] fields = ["x", "y"];

        Assert.NotEqual(Hash(fields, "ab", ""), Hash(fields, "a", "b"));
    }

    [Fact]
    public void Encode_unsupported_type_names_the_field()
    {
        var encoder = new RowEncoder(["id", "code"]);

        var exception = Assert.Throws<UnsupportedValueException>(() => encoder.Encode(new object?[] { 1L, Guid.Empty }));

        Assert.Contains("\"code\"", exception.Message, StringComparison.Ordinal);
        Assert.Contains("Guid", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Encode_payload_decodes_to_equal_values()
    {
        object?[] values =
        [
            null,
            true,
            false,
            long.MinValue,
            -12.3400m,
            double.NaN,
            -0.0d,
            "héllo, 世界",
            "",
            new DateTimeOffset(2024, 2, 29, 23, 59, 59, 123, TimeSpan.Zero).AddTicks(4567),
            new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Unspecified),
            new DateOnly(1999, 12, 31),
            new TimeOnly(13, 14, 15, 16),
            new byte[] { 0, 1, 255 },
            Array.Empty<byte>(),
        ];
        var names = values.Select((_, i) => "f" + i).ToArray();
        var encoder = new RowEncoder(names);

        encoder.Encode(values);
        var decoded = new object?[values.Length];
        ValueCodec.ReadAll(encoder.Payload, decoded);

        for (var i = 0; i < values.Length; i++)
        {
            Assert.Equal(values[i]?.GetType(), decoded[i]?.GetType());
            Assert.Equal(values[i], decoded[i]);
        }

        Assert.Equal((-12.3400m).Scale, ((decimal)decoded[4]!).Scale);
        Assert.True(double.IsNegative((double)decoded[6]!));
    }

    [Fact]
    public void ReadAll_truncated_payload_throws()
    {
        var encoder = new RowEncoder(["name"]);
        encoder.Encode(new object?[] { "Ada Lovelace" });
        var truncated = encoder.Payload[..^3].ToArray();

        Assert.Throws<InvalidDataException>(() => ValueCodec.ReadAll(truncated, new object?[1]));
    }

    [Fact]
    public void Encode_reused_encoder_matches_fresh_one()
    {
        var reused = new RowEncoder(Fields);
        reused.Encode(new object?[] { 1L, "a much longer string than the next one", 2m });
        reused.Encode(new object?[] { 42L, "Ada", 1.5m });

        Assert.Equal(Hash(Fields, 42L, "Ada", 1.5m), reused.RowHash);
    }

    [Fact]
    public void Encode_hash_is_xxh128_of_names_and_values()
    {
        // The row hash is stored in every sync's state, so its definition must never change: XXH128 over each field's
        // name (32-bit little-endian length, then UTF-8) and value encoding, appended in field order.
        object?[] values = [42L, "Ada", 1.5m];
        var expected = new XxHash128();
        for (var i = 0; i < Fields.Length; i++)
        {
            var name = Encoding.UTF8.GetBytes(Fields[i]);
            var length = new byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(length, name.Length);
            expected.Append(length);
            expected.Append(name);
            var single = new RowEncoder([Fields[i]]);
            single.Encode(new[] { values[i] });
            expected.Append(single.Payload);
        }

        var hash = Hash(Fields, values);

        Assert.Equal(expected.GetCurrentHashAsUInt128(), hash);
        Assert.Equal(UInt128.Parse("34f95d4a87a7e0bd94a1e91149130944", NumberStyles.HexNumber, CultureInfo.InvariantCulture), hash);
    }

    private static UInt128 Hash(string[] fields, params object?[] values)
    {
        var encoder = new RowEncoder(fields);
        encoder.Encode(values);
        return encoder.RowHash;
    }
}
