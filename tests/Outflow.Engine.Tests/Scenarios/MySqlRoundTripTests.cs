using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using MySqlConnector;
using Npgsql;
using Outflow.Core.Connections;
using Outflow.Core.Connectors;
using Outflow.Core.Executions;
using Outflow.Core.Models;
using Outflow.Core.Organizations;
using Outflow.Core.Security;
using Outflow.Core.Storage;
using Outflow.Core.Syncs;
using Outflow.Testing;

namespace Outflow.Engine.Tests.Scenarios;

[CollectionDefinition(MariaDbFixture.CollectionName)]
public sealed class MariaDbCollection : ICollectionFixture<MariaDbFixture>, ICollectionFixture<PostgresFixture>;

/// <summary>
/// Runs two syncs with the real engine: a Chinook-shaped PostgreSQL table into MariaDB, then that MariaDB table into a
/// second PostgreSQL database, and compares every value of the copy with the original.
/// </summary>
[Collection(MariaDbFixture.CollectionName)]
public sealed class MySqlRoundTripTests(MariaDbFixture mariadb, PostgresFixture postgres) : IAsyncLifetime
{
    // Chinook's track and invoice column types in one table: integer keys, varchar with non-ASCII text,
    // numeric(10,2), timestamps, and NULLs in the optional columns.
    private const string PostgresTable = """
        CREATE TABLE track (
          track_id integer PRIMARY KEY, name varchar(200) NOT NULL, composer varchar(220), milliseconds integer NOT NULL,
          bytes integer, unit_price numeric(10,2) NOT NULL, invoice_date timestamp);
        """;

    private const string MariaDbTable = """
        CREATE TABLE track (
          track_id INT PRIMARY KEY, name VARCHAR(200) NOT NULL, composer VARCHAR(220), milliseconds INT NOT NULL,
          bytes INT, unit_price DECIMAL(10,2) NOT NULL, invoice_date DATETIME(6));
        """;

    private static readonly string[] Fields = ["track_id", "name", "composer", "milliseconds", "bytes", "unit_price", "invoice_date"];

    private readonly string _root = Path.Combine(Path.GetTempPath(), "outflow-mysql-engine-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)));
    private ServiceProvider? _services;

    [Fact]
    public async Task ChinookThroughMariaDbKeepsEveryValue()
    {
        var origin = await postgres.CreateDatabaseAsync();
        await ExecutePostgresAsync(origin, PostgresTable + """
            INSERT INTO track
            SELECT i,
                   (ARRAY['For Those About To Rock', 'Balls to the Wall', 'Çà et là', 'Mozart: Ave verum', '東京 Drift', 'Ñandú ''quoted'''])[i % 6 + 1] || ' ' || i,
                   CASE WHEN i % 4 = 0 THEN NULL ELSE 'Angus Young, Malcolm Young, Brian Johnson, Jürgen ' || i END,
                   200000 + i * 37, CASE WHEN i % 9 = 0 THEN NULL ELSE 6000000 + i * 113 END,
                   CASE WHEN i % 3 = 0 THEN 1.99 ELSE 0.99 END,
                   CASE WHEN i % 5 = 0 THEN NULL ELSE timestamp '2009-01-01' + i * interval '13 hours 7 minutes 11.25 seconds' END
            FROM generate_series(1, 503) AS i;
            """);
        var copy = await postgres.CreateDatabaseAsync();
        await ExecutePostgresAsync(copy, PostgresTable);
        var middle = await mariadb.CreateDatabaseAsync();
        await using (var connection = new MySqlConnection(middle.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new MySqlCommand(MariaDbTable, connection);
            await command.ExecuteNonQueryAsync();
        }

        _services = await BuildEngineAsync();
        var organization = await _services.GetRequiredService<IOrganizationStore>().GetOrCreateOrganizationAsync("mysql-tests", CancellationToken.None);
        var originConnection = await AddConnectionAsync(organization, "postgresql", origin.Configuration);
        var middleConnection = await AddConnectionAsync(organization, "mysql", middle.Configuration);
        var copyConnection = await AddConnectionAsync(organization, "postgresql", copy.Configuration);

        var into = await RunSyncAsync(organization, originConnection, "postgresql", "public.track", middleConnection, middle.Name + ".track");
        var back = await RunSyncAsync(organization, middleConnection, "mysql", middle.Name + ".track", copyConnection, "public.track");

        Assert.Equal(ExecutionStatus.Completed, into.Status);
        Assert.Equal(new ExecutionCounts(Total: 503, Insert: 503, Upserts: 503), into.Counts);
        Assert.Equal(ExecutionStatus.Completed, back.Status);
        Assert.Equal(new ExecutionCounts(Total: 503, Insert: 503, Upserts: 503), back.Counts);
        const string dump = "SELECT track_id, name, composer, milliseconds, bytes, unit_price::text, invoice_date::text FROM track ORDER BY track_id";
        var expected = await QueryPostgresAsync(origin, dump);
        var actual = await QueryPostgresAsync(copy, dump);
        Assert.Equal(503, expected.Count);
        Assert.Equal(expected, actual);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary directory must not fail the test.
        }
    }

    private async Task<ServiceProvider> BuildEngineAsync()
    {
        Directory.CreateDirectory(Path.Combine(_root, "files"));
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(new MasterKey(RandomNumberGenerator.GetBytes(MasterKey.Length)));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(new ConnectorEnvironment(Path.Combine(_root, "files")));
        services.AddSqliteStore(Path.Combine(_root, "store.sqlite"));
        services.AddPostgreSqlConnector();
        services.AddMySqlConnector();
        services.AddOutflowEngine(new EngineOptions
        {
            LogsDirectory = Path.Combine(_root, "logs"),
            ScratchDirectory = Path.Combine(_root, "scratch"),
            BatchSize = 100,
        });
        var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<IStoreMaintenance>().MigrateAsync(CancellationToken.None);
        return provider;
    }

    private async Task<Guid> AddConnectionAsync(Organization organization, string type, JsonObject configuration)
    {
        var connection = new Connection
        {
            Id = Guid.NewGuid(),
            OrganizationId = organization.Id,
            Name = type + " " + Guid.NewGuid().ToString("N")[..6],
            Type = type,
            Configuration = configuration,
            CreatedAt = DateTimeOffset.UnixEpoch,
            UpdatedAt = DateTimeOffset.UnixEpoch,
            CreatedBy = Actor(organization),
            UpdatedBy = Actor(organization),
        };
        await _services!.GetRequiredService<IConnectionStore>().InsertAsync(connection, CancellationToken.None);
        return connection.Id;
    }

    /// <summary>Creates a model of a whole table and an upsert sync of every field into a target table, runs it once and returns the execution.</summary>
    private async Task<Execution> RunSyncAsync(
        Organization organization, Guid sourceConnection, string sourceType, string table, Guid targetConnection, string targetObject)
    {
        var model = new Model
        {
            Id = Guid.NewGuid(),
            OrganizationId = organization.Id,
            ConnectionId = sourceConnection,
            ConnectionType = sourceType,
            Name = "track from " + sourceType,
            Configuration = new JsonObject { ["table"] = table },
            Fields = Fields.Select(name => new ModelField(Guid.NewGuid(), name, name, FieldType.Unknown, "", false, DateTimeOffset.UnixEpoch)).ToList(),
            CreatedAt = DateTimeOffset.UnixEpoch,
            UpdatedAt = DateTimeOffset.UnixEpoch,
            CreatedBy = Actor(organization),
            UpdatedBy = Actor(organization),
        };
        await _services!.GetRequiredService<IModelStore>().InsertAsync(model, CancellationToken.None);
        SourceField Field(string name) => new() { ModelId = model.Id, Field = name };
        var sync = new Sync
        {
            Id = Guid.NewGuid(),
            OrganizationId = organization.Id,
            Configuration = new SyncConfiguration
            {
                Name = "track into " + targetObject,
                Mode = SyncMode.UpdateOrCreate,
                Active = true,
                Target = new SyncTarget { ConnectionId = targetConnection, Object = targetObject },
                Identity = new SyncIdentity { Source = Field("track_id"), Target = "track_id", Function = "Equality" },
                Fields = Fields.Skip(1).Select(name => new SyncField { Source = Field(name), Target = name }).ToList(),
            },
            CreatedAt = DateTimeOffset.UnixEpoch,
            UpdatedAt = DateTimeOffset.UnixEpoch,
            CreatedBy = Actor(organization),
            UpdatedBy = Actor(organization),
        };
        await _services!.GetRequiredService<ISyncStore>().InsertAsync(sync, CancellationToken.None);
        var execution = new Execution
        {
            Id = Guid.NewGuid(),
            OrganizationId = organization.Id,
            SyncId = sync.Id,
            Status = ExecutionStatus.Created,
            Type = ExecutionTypes.Manual,
            CreatedAt = TimeProvider.System.GetUtcNow(),
            Configuration = sync.Configuration,
            Options = ExecutionOptions.Default,
        };
        var executions = _services!.GetRequiredService<IExecutionStore>();
        await executions.CreateIfIdleAsync(execution, CancellationToken.None);
        await _services!.GetRequiredService<IExecutionRunner>().RunAsync(execution.Id, CancellationToken.None);
        return (await executions.GetByIdAsync(execution.Id, CancellationToken.None))!;
    }

    private static Actor Actor(Organization organization) => new(organization.Id, organization.Name, "organization");

    private static async Task ExecutePostgresAsync(PostgresDatabase database, string sql)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<List<object[]>> QueryPostgresAsync(PostgresDatabase database, string sql)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<object[]>();
        while (await reader.ReadAsync())
        {
            var row = new object[reader.FieldCount];
            reader.GetValues(row);
            rows.Add(row);
        }

        return rows;
    }
}
