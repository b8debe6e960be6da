using Npgsql;
using Outflow.Store.PostgreSql;

namespace Outflow.Store.Tests;

public sealed class PostgreSqlConnectionStringTests
{
    private const string Password = "p@ss:w/rd;secret";

    [Fact]
    public void Parse_uri_reads_every_part()
    {
        var uri = $"postgresql://outflow:{Uri.EscapeDataString(Password)}@db.internal:6543/outflow_meta"
            + "?sslmode=verify-full&connect_timeout=7&application_name=worker";

        var builder = PostgreSqlConnectionString.Parse(uri);

        Assert.Equal("db.internal", builder.Host);
        Assert.Equal(6543, builder.Port);
        Assert.Equal("outflow_meta", builder.Database);
        Assert.Equal("outflow", builder.Username);
        Assert.Equal(Password, builder.Password);
        Assert.Equal(SslMode.VerifyFull, builder.SslMode);
        Assert.Equal(7, builder.Timeout);
        Assert.Equal("worker", builder.ApplicationName);
    }

    [Fact]
    public void Parse_postgres_scheme_uses_default_port()
    {
        var builder = PostgreSqlConnectionString.Parse("postgres://outflow@127.0.0.1/meta");

        Assert.Equal(NpgsqlConnection.DefaultPort, builder.Port);
        Assert.Equal("meta", builder.Database);
        Assert.Null(builder.Password);
        Assert.Equal("outflow", builder.ApplicationName);
    }

    [Fact]
    public void Parse_key_value_keeps_values()
    {
        var builder = PostgreSqlConnectionString.Parse("Host=127.0.0.1;Port=5433;Database=meta;Username=outflow;Password=secret");

        Assert.Equal("127.0.0.1", builder.Host);
        Assert.Equal(5433, builder.Port);
        Assert.Equal("meta", builder.Database);
        Assert.Equal("secret", builder.Password);
    }

    [Theory]
    [InlineData("mysql://root:secret@127.0.0.1/meta")]
    [InlineData("Host=127.0.0.1;Password=secret")]
    public void Parse_unknown_form_names_accepted_forms(string value)
    {
        var error = Assert.Throws<ArgumentException>(() => PostgreSqlConnectionString.Parse(value));

        Assert.Contains("Host=...;Port=...;Database=...", error.Message, StringComparison.Ordinal);
        Assert.Contains("postgresql://user:password@host:port/database", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_omits_password()
    {
        var builder = PostgreSqlConnectionString.Parse("Host=127.0.0.1;Port=5433;Database=meta;Username=outflow;Password=secret");

        var description = PostgreSqlConnectionString.Describe(builder);

        Assert.Equal("postgresql://outflow@127.0.0.1:5433/meta", description);
    }

    [Theory]
    [InlineData("mysql://root:secret@127.0.0.1/meta")]
    [InlineData("Host=127.0.0.1;Password=secret;Bogus=1")]
    [InlineData("Host=127.0.0.1;Password=secret")]
    [InlineData("Database=meta;Password=secret")]
    [InlineData("postgresql://root:secret@127.0.0.1/meta?sslmode=sometimes")]
    [InlineData("postgresql://root:secret@127.0.0.1")]
    public void Parse_invalid_value_throws_without_password(string value)
    {
        var error = Assert.Throws<ArgumentException>(() => PostgreSqlConnectionString.Parse(value));

        Assert.Contains("PostgreSQL store", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", error.Message, StringComparison.Ordinal);
    }
}
