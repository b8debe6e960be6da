using Outflow.Engine.Rows;

namespace Outflow.Engine.Tests.Rows;

public sealed class IdentityTextTests
{
    [Theory]
    [InlineData(42L, "42")]
    [InlineData(-7L, "-7")]
    [InlineData("abc", "abc")]
    [InlineData(" padded ", " padded ")]
    [InlineData(true, "true")]
    [InlineData(2.5d, "2.5")]
    [InlineData(42d, "42")]
    public void Format_scalar_invariant_text(object value, string expected)
    {
        Assert.Equal(expected, IdentityText.Format(value));
    }

    [Fact]
    public void Format_decimal_ignores_scale()
    {
        Assert.Equal("42", IdentityText.Format(42.000m));
        Assert.Equal("42.5", IdentityText.Format(42.50m));
        Assert.Equal("0", IdentityText.Format(-0.00m));
        Assert.Equal("1234567.89", IdentityText.Format(1234567.89m));
    }

    [Fact]
    public void Format_equal_values_of_different_types_match()
    {
        Assert.Equal(IdentityText.Format(42L), IdentityText.Format("42"));
        Assert.Equal(IdentityText.Format(42L), IdentityText.Format(42m));
        Assert.Equal(IdentityText.Hash(IdentityText.Format(42L)!), IdentityText.Hash("42"));
    }

    [Fact]
    public void Format_null_or_empty_is_missing()
    {
        Assert.Null(IdentityText.Format(null));
        Assert.Null(IdentityText.Format(""));
    }

    [Fact]
    public void Format_dates_use_iso_8601()
    {
        Assert.Equal("2024-03-01", IdentityText.Format(new DateOnly(2024, 3, 1)));
        Assert.Equal(
            "2024-03-01T10:00:00.0000000+00:00",
            IdentityText.Format(new DateTimeOffset(2024, 3, 1, 12, 0, 0, TimeSpan.FromHours(2))));
        Assert.Equal("0aff", IdentityText.Format(new byte[] { 10, 255 }));
    }

    [Fact]
    public void Hash_long_identity_matches_short_path()
    {
        // Identities over the stack buffer take the pooled path and must hash the same bytes.
        var longIdentity = new string('x', 1000);

        Assert.Equal(System.IO.Hashing.XxHash128.HashToUInt128(System.Text.Encoding.UTF8.GetBytes(longIdentity)), IdentityText.Hash(longIdentity));
        Assert.NotEqual(IdentityText.Hash("a"), IdentityText.Hash("b"));
    }
}
