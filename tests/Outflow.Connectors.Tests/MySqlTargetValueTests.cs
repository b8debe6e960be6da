using MySqlConnector;
using Outflow.Core.Connectors;
using Outflow.Testing;
using MySqlFactory = Outflow.Connectors.MySql.MySqlConnectorFactory;

namespace Outflow.Connectors.Tests;

/// <summary>
/// Writes one value per record to a MariaDB column that would round, cut or change it, and checks that the record fails
/// or gets a warning in place of the silent change.
/// </summary>
[Collection(MariaDbFixture.CollectionName)]
public sealed class MySqlTargetValueTests(MariaDbFixture mariadb)
{
    private static readonly ConnectorEnvironment Environment = new("/nonexistent");

    public static TheoryData<string, object, string> ChangedValues => new()
    {
        { "DECIMAL(5,2)", 1.005m, "1.005" },
        { "DECIMAL(5,2)", 0.125m, "0.125" },
        { "DECIMAL(3,1)", 1.55m, "1.55" },
        { "DECIMAL(3,1)", "1.55", "1.55" },
        { "DECIMAL(3,1)", 0.15, "0.15" },
        { "DECIMAL(3,1)", 100L, "100" },
        { "DECIMAL(3,1)", 123.4m, "123.4" },
        { "FLOAT", 16777217L, "16777217" },
        { "FLOAT", 0.123456789, "0.123456789" },
        { "FLOAT", 0.123456789m, "0.123456789" },
        { "FLOAT", "16777217", "16777217" },
        { "DOUBLE", 9007199254740993L, "9007199254740993" },
        { "DOUBLE", 0.12345678901234567890123m, "0.12345678901234567890123" },
        { "TINYINT", 128L, "128" },
        { "TINYINT UNSIGNED", -1L, "-1" },
        { "INT UNSIGNED", 4294967296L, "4294967296" },
        { "SMALLINT", 40000m, "40000" },
        { "VARCHAR(4)", "abcde", "5 characters" },
        { "CHAR(4)", "abcde", "5 characters" },
    };

    public static TheoryData<string, object, string> CoercedValues => new()
    {
        { "CHAR(4)", "ab  ", "trailing spaces" },
        { "VARCHAR(4)", "ab     ", "trailing spaces" },
        { "FLOAT", 16777216L, "floating-point" },
        { "DOUBLE", 0.1m, "floating-point" },
        { "FLOAT", 0.1m, "floating-point" },
        { "DECIMAL(5,2)", 0.5, "decimal" },
    };

    public static TheoryData<string, object> ExactValues => new()
    {
        { "DECIMAL(5,2)", 1.25m },
        { "DECIMAL(5,2)", 1.250000m },
        { "DECIMAL(5,2)", -999.99m },
        { "DECIMAL(3,1)", 12L },
        { "TINYINT", -128L },
        { "TINYINT UNSIGNED", 255L },
        { "BIGINT UNSIGNED", 18446744073709551615m },
        { "DOUBLE", 9007199254740992L },
        { "FLOAT", 0.1 },
        { "VARCHAR(4)", "ab  " },
        { "CHAR(4)", "abcd" },
        { "VARCHAR(4)", "🎉🎉🎉🎉" },
    };

    [Theory]
    [MemberData(nameof(ChangedValues))]
    public async Task ChangedValueFailsRecord(string columnType, object value, string text)
    {
        var (target, objectId) = await CreateTableAsync(columnType);
        await using var targetScope = target;

        var results = await WriteAsync(target, objectId, value);

        Assert.Equal(RecordOutcome.Failed, results[0].Outcome);
        Assert.Contains("field v:", results[0].Message, StringComparison.Ordinal);
        Assert.Contains(text, results[0].Message, StringComparison.Ordinal);
        Assert.Contains(columnType.Split(' ', '(')[0].ToLowerInvariant(), results[0].Message, StringComparison.Ordinal);
        Assert.Equal(RecordOutcome.Inserted, results[1].Outcome);
    }

    [Theory]
    [MemberData(nameof(CoercedValues))]
    public async Task CoercedValueGetsWarning(string columnType, object value, string warning)
    {
        var (target, objectId) = await CreateTableAsync(columnType);
        await using var targetScope = target;

        var results = await WriteAsync(target, objectId, value);

        Assert.Equal(RecordOutcome.Inserted, results[0].Outcome);
        Assert.Contains("field v:", results[0].Warning, StringComparison.Ordinal);
        Assert.Contains(warning, results[0].Warning, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(ExactValues))]
    public async Task ExactValueIsWritten(string columnType, object value)
    {
        var (target, objectId) = await CreateTableAsync(columnType);
        await using var targetScope = target;

        var results = await WriteAsync(target, objectId, value);

        Assert.Equal(RecordOutcome.Inserted, results[0].Outcome);
        Assert.Null(results[0].Message);
    }

    private static Task<IReadOnlyList<RecordResult>> WriteAsync(ITargetConnector target, string objectId, object value) =>
        target.WriteAsync(
            new WriteBatch(objectId, "id", ["v"], [
                new TargetRecord(RecordOperation.Upsert, 1L, [value]),
                new TargetRecord(RecordOperation.Upsert, 2L, [null]),
            ]),
            CancellationToken.None);

    private async Task<(ITargetConnector Target, string ObjectId)> CreateTableAsync(string columnType)
    {
        var database = await mariadb.CreateDatabaseAsync();
        await using (var connection = new MySqlConnection(database.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new MySqlCommand($"CREATE TABLE t (id INT PRIMARY KEY, v {columnType});", connection);
            await command.ExecuteNonQueryAsync();
        }

        return (new MySqlFactory().CreateTarget(database.Configuration, Environment), database.Name + ".t");
    }
}
