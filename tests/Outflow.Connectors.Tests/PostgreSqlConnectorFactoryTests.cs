using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Npgsql;
using Outflow.Connectors.PostgreSql;
using Outflow.Core.Connectors;
using Outflow.Testing;

namespace Outflow.Connectors.Tests;

[Collection(PostgresFixture.CollectionName)]
public sealed class PostgreSqlConnectorFactoryTests(PostgresFixture postgres)
{
    private static readonly ConnectorEnvironment Environment = new("/tmp");
    private readonly PostgreSqlConnectorFactory _factory = new();

    [Fact]
    public void Validate_missing_keys_names_each_field()
    {
        var problems = _factory.Validate(new JsonObject(), Environment);

        Assert.Contains(problems, p => p.Field == "configuration.hostname");
        Assert.Contains(problems, p => p.Field == "configuration.database");
        Assert.Contains(problems, p => p.Field == "configuration.username");
        Assert.DoesNotContain(problems, p => p.Field == "configuration.port");
    }

    [Theory]
    [InlineData("\"5432\"")]
    [InlineData("\"abc\"")]
    [InlineData("54.5")]
    [InlineData("true")]
    public void Validate_port_of_wrong_type_is_wrong_type(string json)
    {
        var configuration = Valid();
        configuration["port"] = JsonNode.Parse(json);

        var problem = Assert.Single(_factory.Validate(configuration, Environment));

        Assert.Equal("configuration.port", problem.Field);
        Assert.NotNull(problem.Value);
        Assert.True(problem.IsWrongType);
        Assert.Contains("whole JSON number", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("65536")]
    [InlineData("99999")]
    [InlineData("1e40")]
    public void Validate_port_out_of_range_is_not_wrong_type(string json)
    {
        var configuration = Valid();
        configuration["port"] = JsonNode.Parse(json);

        var problem = Assert.Single(_factory.Validate(configuration, Environment));

        Assert.Equal("configuration.port", problem.Field);
        Assert.False(problem.IsWrongType);
        Assert.Contains("out of range", problem.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("string", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_whole_port_with_fraction_digits_is_valid()
    {
        var configuration = Valid();
        configuration["port"] = JsonNode.Parse("5432.0");

        Assert.Empty(_factory.Validate(configuration, Environment));
        Assert.Equal(5432, configuration["port"]!.GetValue<int>());
    }

    [Fact]
    public void Validate_distinguishes_wrong_types_from_empty()
    {
        var configuration = Valid();
        configuration["hostname"] = 7;
        configuration["database"] = " ";
        configuration["ssl"] = "yes";

        var problems = _factory.Validate(configuration, Environment);

        Assert.True(Assert.Single(problems, p => p.Field == "configuration.hostname").IsWrongType);
        Assert.False(Assert.Single(problems, p => p.Field == "configuration.database").IsWrongType);
        Assert.True(Assert.Single(problems, p => p.Field == "configuration.ssl").IsWrongType);
    }

    [Theory]
    [InlineData("/tmp/x/pgsock")]
    [InlineData("127.0.0.1,127.0.0.2")]
    [InlineData("127.0.0.1:55439")]
    [InlineData("localhost:5432")]
    [InlineData("[::1]")]
    [InlineData("[::1]:5432")]
    [InlineData("::1,::2")]
    [InlineData(" 127.0.0.1")]
    [InlineData("db host")]
    [InlineData("db\thost")]
    [InlineData("host=evil")]
    [InlineData("db;Port=1")]
    [InlineData("user@db")]
    [InlineData("db..example")]
    [InlineData("-db")]
    [InlineData("db.")]
    [InlineData("fe80::1%")]
    public void Validate_hostname_not_one_host_is_invalid(string hostname)
    {
        var configuration = Valid();
        configuration["hostname"] = hostname;

        var problem = Assert.Single(_factory.Validate(configuration, Environment));

        Assert.Equal("configuration.hostname", problem.Field);
        Assert.Equal(hostname, problem.Value);
        Assert.False(problem.IsWrongType);
        Assert.Contains("must be one host name or IP address", problem.Message, StringComparison.Ordinal);
        Assert.Contains("configuration.port", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("fe80::1%eth0")]
    [InlineData("localhost")]
    [InlineData("db.example.internal")]
    [InlineData("db-1.example.internal")]
    public void Validate_one_host_is_valid(string hostname)
    {
        var configuration = Valid();
        configuration["hostname"] = hostname;

        Assert.Empty(_factory.Validate(configuration, Environment));
    }

    [Fact]
    public void Validate_hostname_over_253_characters_is_invalid()
    {
        var longest = string.Join('.', Enumerable.Repeat(new string('a', 63), 3)) + "." + new string('b', 61);
        var configuration = Valid();
        configuration["hostname"] = longest;
        Assert.Equal(253, longest.Length);
        Assert.Empty(_factory.Validate(configuration, Environment));

        configuration["hostname"] = longest + "b";
        var problem = Assert.Single(_factory.Validate(configuration, Environment));

        Assert.Equal("configuration.hostname", problem.Field);
    }

    [Fact]
    public void CreateSource_socket_hostname_is_rejected()
    {
        // A configuration stored before validation tightened must not reach Npgsql either.
        var configuration = Valid();
        configuration["hostname"] = "/tmp/x/pgsock";

        var exception = Assert.Throws<ConnectorException>(() => _factory.CreateSource(configuration, Environment));

        Assert.Contains("configuration.hostname", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_fills_defaults()
    {
        var configuration = Valid();

        Assert.Empty(_factory.Validate(configuration, Environment));
        Assert.Equal(5432, configuration["port"]!.GetValue<int>());
        Assert.False(configuration["ssl"]!.GetValue<bool>());
    }

    [Fact]
    public void Validate_wrong_password_type_hides_value()
    {
        var configuration = Valid();
        configuration["password"] = 12345;
        configuration["ssl"] = "yes";

        var problems = _factory.Validate(configuration, Environment);

        var password = Assert.Single(problems, p => p.Field == "configuration.password");
        Assert.Null(password.Value);
        Assert.True(password.IsWrongType);
        Assert.Contains(problems, p => p.Field == "configuration.ssl");
    }

    [Fact]
    public void Info_marks_password_secret()
    {
        Assert.Equal("postgresql", _factory.Info.Id);
        Assert.True(_factory.Info.IsSecret("password"));
        Assert.False(_factory.Info.IsSecret("username"));
    }

    [Fact]
    public async Task TestAsync_valid_credentials_succeeds()
    {
        var database = await postgres.CreateDatabaseAsync();

        await _factory.TestAsync(database.Configuration, Environment, CancellationToken.None);
    }

    [Fact]
    public async Task TestAsync_wrong_password_fails_without_secret()
    {
        var database = await postgres.CreateDatabaseAsync();
        var configuration = database.Configuration;
        configuration["password"] = "not-the-password-123";

        var exception = await Assert.ThrowsAsync<ConnectorException>(
            () => _factory.TestAsync(configuration, Environment, CancellationToken.None));

        Assert.Contains("password authentication failed for user", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password-123", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(postgres.Server.Password, exception.Message, StringComparison.Ordinal);
        Assert.False(exception.IsTransient);
    }

    [Fact]
    public async Task TestAsync_closed_port_reports_connection_refused()
    {
        var database = await postgres.CreateDatabaseAsync();
        var configuration = database.Configuration;
        var port = ClosedPort();
        configuration["port"] = port;

        var exception = await Assert.ThrowsAsync<ConnectorException>(
            () => _factory.TestAsync(configuration, Environment, CancellationToken.None));

        Assert.Contains($"could not connect to 127.0.0.1:{port}: connection refused", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TestAsync_missing_database_fails()
    {
        var database = await postgres.CreateDatabaseAsync();
        var configuration = database.Configuration;
        configuration["database"] = "no_such_database";

        var exception = await Assert.ThrowsAsync<ConnectorException>(
            () => _factory.TestAsync(configuration, Environment, CancellationToken.None));

        Assert.Contains("no_such_database", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateSource_connection_string_syntax_is_literal()
    {
        // Each value contains ';' and '=', so it would set other keywords if the connection string were concatenated.
        // PostgreSQL truncates identifiers to 63 bytes, so the unique suffix is kept short.
        var suffix = Guid.NewGuid().ToString("N")[..12];
        var databaseName = $"odd;Database=postgres;Host=/tmp={suffix}";
        var username = $"odd_user;Port=1={suffix}";
        const string Password = "pw;Password=other;Host=/tmp=x'\"";
        await using (var connection = new NpgsqlConnection(postgres.Server.AdminConnectionString))
        {
            await connection.OpenAsync();
            var escapedPassword = Password.Replace("'", "''", StringComparison.Ordinal);
            await using var createDatabase = new NpgsqlCommand($"CREATE DATABASE {Quote(databaseName)}", connection);
            await createDatabase.ExecuteNonQueryAsync();
            await using var createRole = new NpgsqlCommand($"CREATE ROLE {Quote(username)} LOGIN PASSWORD '{escapedPassword}'", connection);
            await createRole.ExecuteNonQueryAsync();
        }

        var configuration = new JsonObject
        {
            ["hostname"] = postgres.Server.Host,
            ["port"] = postgres.Server.Port,
            ["database"] = databaseName,
            ["username"] = username,
            ["password"] = Password,
        };
        Assert.Empty(_factory.Validate(configuration, Environment));
        await using var source = _factory.CreateSource(configuration, Environment);

        var row = Assert.Single(await source.ReadAllAsync(new ModelSource("SELECT current_database() AS db, current_user AS who", null)));

        Assert.Equal(databaseName, row[0]);
        Assert.Equal(username, row[1]);
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static JsonObject Valid() =>
        new() { ["hostname"] = "127.0.0.1", ["database"] = "app", ["username"] = "outflow", ["password"] = "secret" };

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
