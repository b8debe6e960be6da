using System.Globalization;
using System.Text.Json.Nodes;
using MySqlConnector;
using Outflow.Connectors.MySql;
using Outflow.Connectors.PostgreSql;
using Outflow.Core.Connectors;
using Outflow.Core.Syncs;
using Outflow.Testing;
using MySqlFactory = Outflow.Connectors.MySql.MySqlConnectorFactory;

namespace Outflow.Connectors.Tests;

[CollectionDefinition(MariaDbFixture.CollectionName)]
public sealed class MariaDbCollection : ICollectionFixture<MariaDbFixture>, ICollectionFixture<PostgresFixture>;

/// <summary>Reads and writes a real MariaDB server with the mysql connector, and round-trips a Chinook-like table through it.</summary>
[Collection(MariaDbFixture.CollectionName)]
public sealed class MySqlConnectorTests(MariaDbFixture mariadb, PostgresFixture postgres)
{
    private static readonly ConnectorEnvironment Environment = new("/nonexistent");

    [Fact]
    public async Task SourceReadsEveryTypeExactly()
    {
        var database = await CreateDatabaseAsync("""
            CREATE TABLE kinds (
              id INT PRIMARY KEY, money DECIMAL(10,2), huge BIGINT UNSIGNED, small TINYINT, flag TINYINT(1), ratio DOUBLE,
              local DATETIME(6), instant TIMESTAMP(6) NULL, day DATE, clock TIME(3), doc JSON, raw VARBINARY(8), name VARCHAR(50));
            SET time_zone = '+02:00';
            INSERT INTO kinds VALUES (1, 12.34, 18446744073709551615, -5, 1, 0.1, '2024-01-02 03:04:05.123456',
              '2024-01-02 05:04:05.5', '2024-02-29', '10:11:12.250', '{"a": [1, 2.5]}', x'00ff10', 'Señor 🎉');
            """);
        await using var source = new MySqlFactory().CreateSource(database.Configuration, Environment);

        var rows = await source.ReadAllAsync(new ModelSource(null, "kinds"));

        var row = Assert.Single(rows);
        Assert.Equal(1L, row[0]);
        Assert.Equal(12.34m, row[1]);
        Assert.Equal(18446744073709551615m, row[2]);
        Assert.Equal(-5L, row[3]);
        Assert.Equal(true, row[4]);
        Assert.Equal(0.1, row[5]);
        Assert.Equal(new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Unspecified).AddTicks(1_234_560), row[6]);
        Assert.Equal(new DateTimeOffset(2024, 1, 2, 3, 4, 5, 500, TimeSpan.Zero), row[7]);
        Assert.Equal(TimeSpan.Zero, ((DateTimeOffset)row[7]!).Offset);
        Assert.Equal(new DateOnly(2024, 2, 29), row[8]);
        Assert.Equal(new TimeOnly(10, 11, 12, 250), row[9]);
        Assert.Equal("""{"a": [1, 2.5]}""", row[10]);
        Assert.Equal(new byte[] { 0x00, 0xff, 0x10 }, row[11]);
        Assert.Equal("Señor 🎉", row[12]);
    }

    [Fact]
    public async Task SourceZeroDateIsUnreadable()
    {
        var database = await CreateDatabaseAsync("""
            SET SESSION sql_mode = '';
            CREATE TABLE dates (id INT PRIMARY KEY, at DATETIME);
            INSERT INTO dates VALUES (1, '0000-00-00 00:00:00'), (2, '2024-01-01 00:00:00');
            """);
        await using var source = new MySqlFactory().CreateSource(database.Configuration, Environment);

        var rows = await source.ReadAllAsync(new ModelSource("SELECT * FROM dates ORDER BY id", null));

        var unreadable = Assert.IsType<UnreadableValue>(rows[0][1]);
        Assert.Contains("NULLIF(", unreadable.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("AllowZeroDateTime", unreadable.Message, StringComparison.Ordinal);
        Assert.Equal(new DateTime(2024, 1, 1), rows[1][1]);
    }

    [Fact]
    public async Task SourceLongTimeShowsMySqlForm()
    {
        var database = await CreateDatabaseAsync("""
            CREATE TABLE times (id INT PRIMARY KEY, span TIME(6));
            INSERT INTO times VALUES (1, '838:59:59'), (2, '-00:00:01.5');
            """);
        await using var source = new MySqlFactory().CreateSource(database.Configuration, Environment);

        var rows = await source.ReadAllAsync(new ModelSource("SELECT * FROM times ORDER BY id", null));

        Assert.Contains("838:59:59", Assert.IsType<UnreadableValue>(rows[0][1]).Message, StringComparison.Ordinal);
        Assert.Contains("-00:00:01.500000", Assert.IsType<UnreadableValue>(rows[1][1]).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SourceRejectsSecondStatement()
    {
        var database = await CreateDatabaseAsync("CREATE TABLE t (id INT PRIMARY KEY); INSERT INTO t VALUES (1);");
        await using var source = new MySqlFactory().CreateSource(database.Configuration, Environment);

        var exception = await Assert.ThrowsAsync<ConnectorException>(
            () => source.DescribeAsync(new ModelSource("SELECT 1) AS a; DELETE FROM t; SELECT * FROM (SELECT 1", null), CancellationToken.None));

        Assert.Contains("single SELECT statement", exception.Message, StringComparison.Ordinal);
        var semicolonInText = await source.ReadAllAsync(new ModelSource("SELECT 'a;b' AS x, `c;d`.id FROM t AS `c;d` -- ;\n", null));
        Assert.Equal("a;b", Assert.Single(semicolonInText)[0]);
    }

    [Theory]
    [InlineData("SELECT 1", -1)]
    [InlineData("SELECT 1; SELECT 2", 8)]
    [InlineData("SELECT 'a;b', \"c;d\", `e;f`", -1)]
    [InlineData("SELECT 'it''s;', 'back\\';' ; x", 27)]
    [InlineData("SELECT 1 # ;\n, 2 -- ;\n /* ; */", -1)]
    [InlineData("SELECT 1 --;\n", 11)]
    [InlineData("SELECT 1 /*! ; */", 13)]
    public void StatementTextFindsSeparator(string sql, int expected)
    {
        Assert.Equal(expected, MySqlStatementText.FindStatementSeparator(sql));
    }

    [Fact]
    public async Task TestRejectsWrongPassword()
    {
        var database = await mariadb.CreateDatabaseAsync();
        var configuration = (System.Text.Json.Nodes.JsonObject)database.Configuration.DeepClone();
        configuration["password"] = "wrong";

        var exception = await Assert.ThrowsAsync<ConnectorException>(
            () => new MySqlFactory().TestAsync(configuration, Environment, CancellationToken.None));

        Assert.Contains("Access denied", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TestNamesSilentServer()
    {
        // A listener that accepts the connection and never sends MySQL's greeting, as a server of another protocol does.
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        var database = await mariadb.CreateDatabaseAsync();
        var configuration = (System.Text.Json.Nodes.JsonObject)database.Configuration.DeepClone();
        configuration["hostname"] = "127.0.0.1";
        configuration["port"] = port;

        var exception = await Assert.ThrowsAsync<ConnectorException>(
            () => new MySqlFactory().TestAsync(configuration, Environment, CancellationToken.None));

        Assert.Contains($"127.0.0.1:{port}", exception.Message, StringComparison.Ordinal);
        Assert.Contains("did not answer as MySQL or MariaDB", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Operation canceled", exception.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task SourceDescribesFieldTypes()
    {
        var database = await CreateDatabaseAsync(
            "CREATE TABLE t (id BIGINT PRIMARY KEY, price DECIMAL(10,2), flag BOOL, at DATETIME, doc JSON, raw BLOB, name VARCHAR(5));");
        await using var source = new MySqlFactory().CreateSource(database.Configuration, Environment);

        var columns = await source.DescribeAsync(new ModelSource(null, "t"), CancellationToken.None);
        var tables = await source.ListTablesAsync(CancellationToken.None);

        Assert.Equal(
            [FieldType.Number, FieldType.Number, FieldType.Boolean, FieldType.Datetime, FieldType.String, FieldType.Binary, FieldType.String],
            columns.Select(c => c.Type));
        Assert.Equal("decimal(10,2)", columns[1].RemoteType);
        Assert.Contains(database.Name + ".t", tables.Select(t => t.Id));
    }

    [Fact]
    public async Task SourceTypesCreatePostgresColumns()
    {
        var database = await CreateDatabaseAsync(
            "CREATE TABLE t (id BIGINT UNSIGNED PRIMARY KEY, local DATETIME(6), instant TIMESTAMP(6) NULL, small INT UNSIGNED);");
        await using var source = new MySqlFactory().CreateSource(database.Configuration, Environment);
        var copy = await postgres.CreateDatabaseAsync();
        await using var target = new PostgreSqlConnectorFactory().CreateTarget(copy.Configuration, Environment);

        var columns = await source.DescribeAsync(new ModelSource(null, "t"), CancellationToken.None);
        var info = await target.CreateObjectAsync(
            new NewTargetObject(
                "t", new Dictionary<string, string>(StringComparer.Ordinal), columns.Select(c => new NewTargetColumn(c.Name, c.Type, c.RemoteType)).ToList(), "id"),
            CancellationToken.None);

        Assert.Equal(
            ["bigint unsigned", "timestamp without time zone", "timestamp with time zone", "int unsigned"],
            columns.Select(c => c.RemoteType));
        Assert.Equal(
            ["numeric(20,0)", "timestamp without time zone", "timestamp with time zone", "bigint"],
            info.Fields.Select(f => f.RemoteType));
    }

    [Fact]
    public async Task TargetDescribesIdentityAndComparison()
    {
        var database = await CreateDatabaseAsync("""
            CREATE TABLE people (id INT PRIMARY KEY, email VARCHAR(100) NOT NULL UNIQUE, code VARBINARY(10) UNIQUE, note TEXT,
              total INT AS (id * 2) VIRTUAL);
            """);
        await using var target = new MySqlFactory().CreateTarget(database.Configuration, Environment);

        var info = await target.DescribeObjectAsync(database.Name + ".people", CancellationToken.None);

        Assert.NotNull(info);
        Assert.Equal(["id", "email", "code", "note"], info.Fields.Select(f => f.Id));
        Assert.Equal(IdentityComparison.IgnoreCase | IdentityComparison.IgnoreTrailingSpaces, info.Fields[1].Comparison);
        Assert.Equal(IdentityComparison.Exact, info.Fields[2].Comparison);
        Assert.True(info.Fields[1].SupportsIdentity);
        Assert.True(info.Fields[1].Required);
        Assert.False(info.Fields[3].SupportsIdentity);
        Assert.Contains(SyncMode.UpdateOrCreate, info.Modes);
    }

    [Fact]
    public async Task TargetWritesEveryOperation()
    {
        var database = await CreateDatabaseAsync("CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(20), qty INT);");
        await using var target = new MySqlFactory().CreateTarget(database.Configuration, Environment);
        var objectId = database.Name + ".items";

        var first = await target.WriteAsync(
            new WriteBatch(objectId, "id", ["name", "qty"], [
                new TargetRecord(RecordOperation.Upsert, 1L, ["a", 1L]),
                new TargetRecord(RecordOperation.Insert, 2L, ["b", 2L]),
                new TargetRecord(RecordOperation.Update, 3L, ["c", 3L]),
                new TargetRecord(RecordOperation.Upsert, 4L, ["d", 1.5m]),
            ]),
            CancellationToken.None);
        var second = await target.WriteAsync(
            new WriteBatch(objectId, "id", ["name", "qty"], [
                new TargetRecord(RecordOperation.Upsert, 1L, ["A", 10L]),
                new TargetRecord(RecordOperation.Insert, 2L, ["x", 0L]),
                new TargetRecord(RecordOperation.Delete, 2L, []),
            ]),
            CancellationToken.None);

        Assert.Equal(
            [RecordOutcome.Inserted, RecordOutcome.Inserted, RecordOutcome.NotFound, RecordOutcome.Failed], first.Select(r => r.Outcome));
        Assert.Equal([RecordOutcome.Updated, RecordOutcome.Skipped, RecordOutcome.Deleted], second.Select(r => r.Outcome));
        Assert.Equal([true, false], await target.ContainsAsync(objectId, "id", [1L, 2L], CancellationToken.None));
        var tooLong = await target.WriteAsync(
            new WriteBatch(objectId, "id", ["name", "qty"], [new TargetRecord(RecordOperation.Upsert, 5L, [new string('x', 21), 1L])]),
            CancellationToken.None);
        Assert.Equal(RecordOutcome.Failed, tooLong[0].Outcome);
        Assert.Contains("21 characters", tooLong[0].Message, StringComparison.Ordinal);
        var badNumber = await Assert.ThrowsAsync<ConnectorException>(() => target.WriteAsync(
            new WriteBatch(objectId, "id", ["name", "qty"], [new TargetRecord(RecordOperation.Upsert, 5L, ["e", "many"])]),
            CancellationToken.None));
        Assert.Contains("Incorrect integer value", badNumber.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TargetSessionSetsIdleTimeout()
    {
        // A trigger records the settings of the session that runs the insert, which is the target's write session.
        var database = await CreateDatabaseAsync("""
            CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(20));
            CREATE TABLE session_settings (idle_transaction_timeout BIGINT, wait_timeout BIGINT);
            CREATE TRIGGER record_settings AFTER INSERT ON items FOR EACH ROW
              INSERT INTO session_settings VALUES (@@session.idle_transaction_timeout, @@session.wait_timeout);
            """);
        var environment = Environment with { ExecutionLease = TimeSpan.FromSeconds(6) };
        await using var target = new MySqlFactory().CreateTarget(database.Configuration, environment);
        await using var source = new MySqlFactory().CreateSource(database.Configuration, environment);

        await target.WriteAsync(
            new WriteBatch(database.Name + ".items", "id", ["name"], [new TargetRecord(RecordOperation.Upsert, 1L, ["a"])]),
            CancellationToken.None);
        var sourceRows = await source.ReadAllAsync(new ModelSource("SELECT @@session.idle_transaction_timeout AS value", null));
        var globalWaitTimeout = await ScalarAsync(database, "SELECT @@global.wait_timeout");

        var written = Assert.Single(await QueryAsync(database, "SELECT idle_transaction_timeout, wait_timeout FROM session_settings"));
        Assert.Equal(2L, Convert.ToInt64(written[0], CultureInfo.InvariantCulture));
        Assert.Equal(globalWaitTimeout, Convert.ToInt64(written[1], CultureInfo.InvariantCulture));
        var read = Assert.Single(sourceRows);
        Assert.Equal(0L, Convert.ToInt64(read[0], CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task TargetIdleTransactionIsRolledBack()
    {
        var database = await CreateDatabaseAsync("CREATE TABLE items (id INT PRIMARY KEY);");
        var settings = MySqlSettings.Parse((JsonObject)database.Configuration.DeepClone(), []) ?? throw new InvalidOperationException("invalid test configuration");
        await using var connection = await MySqlConnections.OpenForWritingAsync(
            settings, settings.ToConnectionString(), TimeSpan.FromSeconds(1), CancellationToken.None);
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var insert = new MySqlCommand("INSERT INTO items VALUES (1)", connection, transaction))
        {
            await insert.ExecuteNonQueryAsync();
        }

        // The session now sits idle inside its transaction, as it would while its worker is paused before the commit.
        await Task.Delay(TimeSpan.FromSeconds(3));
        var failure = await Record.ExceptionAsync(() => transaction.CommitAsync());

        Assert.NotNull(failure);
        Assert.True(MySqlErrors.IsDatabaseFailure(failure), $"unexpected {failure.GetType()}: {failure.Message}");
        Assert.True(MySqlErrors.Wrap(failure, "commit failed").IsTransient, failure.Message);
        Assert.Equal(0L, await ScalarAsync(database, "SELECT COUNT(*) FROM items"));
    }

    [Fact]
    public async Task TargetChecksBeforeCommit()
    {
        var database = await CreateDatabaseAsync("CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(20));");
        await using var target = new MySqlFactory().CreateTarget(database.Configuration, Environment);
        var rowsAtCheck = -1L;
        var batch = new WriteBatch(database.Name + ".items", "id", ["name"], [new TargetRecord(RecordOperation.Upsert, 1L, ["a"])])
        {
            BeforeCommit = async _ =>
            {
                rowsAtCheck = await ScalarAsync(database, "SELECT COUNT(*) FROM items");
                throw new InvalidOperationException("lease lost");
            },
        };

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => target.WriteAsync(batch, CancellationToken.None));

        Assert.Equal("lease lost", failure.Message);
        Assert.Equal(0L, rowsAtCheck);
        Assert.Equal(0L, await ScalarAsync(database, "SELECT COUNT(*) FROM items"));
    }

    [Theory]
    [InlineData("10.11.6-MariaDB-0+deb12u1", true)]
    [InlineData("5.5.5-10.3.39-MariaDB", true)]
    [InlineData("10.2.44-MariaDB", false)]
    [InlineData("8.0.36", false)]
    [InlineData("8.4.0-log", false)]
    public void IdleTransactionTimeoutNeedsMariaDb103(string serverVersion, bool expected)
    {
        Assert.Equal(expected, MySqlConnections.HasIdleTransactionTimeout(serverVersion));
    }

    [Fact]
    public async Task ChinookRoundTripKeepsEveryValue()
    {
        // Chinook's invoice table shape: integer keys, non-ASCII text, numeric(10,2), timestamps and nulls.
        const string createPostgres = """
            CREATE TABLE invoice (
              invoice_id integer PRIMARY KEY, customer_id integer NOT NULL, invoice_date timestamp NOT NULL,
              billing_address varchar(70), billing_city varchar(40), billing_country varchar(40), total numeric(10,2) NOT NULL);
            """;
        var origin = await postgres.CreateDatabaseAsync(createPostgres + """
            INSERT INTO invoice
            SELECT i, i % 59 + 1, timestamp '2021-01-01' + i * interval '1 day 3 hours 7 minutes 11.5 seconds',
                   CASE WHEN i % 7 = 0 THEN NULL ELSE 'Theodor-Heuss-Straße ' || i END,
                   (ARRAY['São Paulo', 'Montréal', 'Kraków', '東京', 'Reykjavík'])[i % 5 + 1],
                   CASE WHEN i % 11 = 0 THEN NULL ELSE 'Brazil' END,
                   round((i * 1.37) % 30 + 0.99, 2)
            FROM generate_series(1, 412) AS i;
            """);
        var copy = await postgres.CreateDatabaseAsync(createPostgres);
        var middle = await CreateDatabaseAsync("""
            CREATE TABLE invoice (
              invoice_id INT PRIMARY KEY, customer_id INT NOT NULL, invoice_date DATETIME(6) NOT NULL,
              billing_address VARCHAR(70), billing_city VARCHAR(40), billing_country VARCHAR(40), total DECIMAL(10,2) NOT NULL);
            """);

        await CopyAsync(new PostgreSqlConnectorFactory().CreateSource(origin.Configuration, Environment), new MySqlFactory().CreateTarget(middle.Configuration, Environment), middle.Name + ".invoice");
        await CopyAsync(new MySqlFactory().CreateSource(middle.Configuration, Environment), new PostgreSqlConnectorFactory().CreateTarget(copy.Configuration, Environment), "public.invoice");

        const string dump = "SELECT invoice_id, customer_id, invoice_date::text, billing_address, billing_city, billing_country, total::text FROM invoice ORDER BY invoice_id";
        var expected = await origin.QueryAsync(dump);
        var actual = await copy.QueryAsync(dump);
        Assert.Equal(412, expected.Count);
        Assert.Equal(expected, actual);
    }

    private static async Task CopyAsync(ISourceConnector source, ITargetConnector target, string objectId)
    {
        await using (source)
        await using (target)
        {
            var reader = await source.OpenReaderAsync(new ModelSource(null, "invoice"), CancellationToken.None);
            await using (reader)
            {
                var fields = reader.Columns.Skip(1).Select(c => c.Name).ToList();
                var records = new List<TargetRecord>();
                while (await reader.ReadAsync(CancellationToken.None))
                {
                    var values = new object?[reader.Columns.Count];
                    reader.GetValues(values);
                    records.Add(new TargetRecord(RecordOperation.Upsert, values[0]!, values[1..]));
                }

                var results = await target.WriteAsync(new WriteBatch(objectId, "invoice_id", fields, records), CancellationToken.None);
                Assert.All(results, r => Assert.Equal(RecordOutcome.Inserted, r.Outcome));
            }
        }
    }

    private static async Task<long> ScalarAsync(MariaDbDatabase database, string sql)
    {
        await using var connection = new MySqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new MySqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    private static async Task<List<object?[]>> QueryAsync(MariaDbDatabase database, string sql)
    {
        await using var connection = new MySqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new MySqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    private async Task<MariaDbDatabase> CreateDatabaseAsync(string sql)
    {
        var database = await mariadb.CreateDatabaseAsync();
        await using var connection = new MySqlConnection(database.ConnectionString + ";AllowUserVariables=true");
        await connection.OpenAsync();
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
        return database;
    }
}
