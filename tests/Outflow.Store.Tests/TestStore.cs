using System.Data.Common;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Outflow.Core.Connections;
using Outflow.Core.Executions;
using Outflow.Core.Idempotency;
using Outflow.Core.Jobs;
using Outflow.Core.Models;
using Outflow.Core.Organizations;
using Outflow.Core.Security;
using Outflow.Core.Storage;
using Outflow.Core.Syncs;
using Outflow.Testing;

namespace Outflow.Store.Tests;

/// <summary>
/// A migrated store built through <c>AddSqliteStore</c> or <c>AddPostgreSqlStore</c> like the host does: a
/// SQLite file in a temporary directory, or a fresh database on the fixture's PostgreSQL server. Helpers
/// create the objects tests need and read the database directly, outside the store.
/// </summary>
internal sealed class TestStore : IAsyncDisposable
{
    public static readonly DateTimeOffset BaseTime = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static readonly Actor TestActor = new(Guid.Parse("11111111-2222-3333-4444-555555555555"), "tester", "user");

    private readonly ServiceProvider _services;
    private readonly byte[] _masterKey;
    private readonly bool _ownsDirectory;

    private TestStore(string directory, byte[] masterKey, bool ownsDirectory)
    {
        Directory = directory;
        DatabasePath = Path.Combine(directory, "outflow.db");
        _masterKey = masterKey;
        _ownsDirectory = ownsDirectory;
        _services = NewServices(masterKey).AddSqliteStore(DatabasePath).BuildServiceProvider();
    }

    private TestStore(PostgresDatabase database, byte[] masterKey)
    {
        PostgresDatabase = database;
        Directory = "";
        DatabasePath = "";
        _masterKey = masterKey;
        _services = NewServices(masterKey).AddPostgreSqlStore(database.ConnectionString).BuildServiceProvider();
    }

    /// <summary>The SQLite store's directory; empty on PostgreSQL.</summary>
    public string Directory { get; }

    /// <summary>The SQLite store's file; empty on PostgreSQL.</summary>
    public string DatabasePath { get; }

    /// <summary>The PostgreSQL database the store uses; null on SQLite.</summary>
    public PostgresDatabase? PostgresDatabase { get; }

    public bool IsPostgreSql => PostgresDatabase is not null;

    public IStoreMaintenance Maintenance => _services.GetRequiredService<IStoreMaintenance>();

    public IOrganizationStore Organizations => _services.GetRequiredService<IOrganizationStore>();

    public IConnectionStore Connections => _services.GetRequiredService<IConnectionStore>();

    public IModelStore Models => _services.GetRequiredService<IModelStore>();

    public ISyncStore Syncs => _services.GetRequiredService<ISyncStore>();

    public IExecutionStore Executions => _services.GetRequiredService<IExecutionStore>();

    public ISyncStateStore State => _services.GetRequiredService<ISyncStateStore>();

    public IExecutionConsoleLog ConsoleLog => _services.GetRequiredService<IExecutionConsoleLog>();

    public IExecutionLogStore LogFiles => _services.GetRequiredService<IExecutionLogStore>();

    public IIdempotencyStore Idempotency => _services.GetRequiredService<IIdempotencyStore>();

    public IJobStore Jobs => _services.GetRequiredService<IJobStore>();

    /// <summary>Returns a console log on this store that keeps only <paramref name="retainedEntries"/> entries per execution.</summary>
    public IExecutionConsoleLog CreateConsoleLog(int retainedEntries) =>
        new ExecutionConsoleLog(_services.GetRequiredService<IStoreDatabase>(), retainedEntries);

    /// <summary>
    /// Creates a store and migrates it unless <paramref name="migrate"/> is false: on SQLite in a new temporary directory when <paramref name="postgres"/>
    /// is null, otherwise in a new database on the fixture's server.
    /// </summary>
    public static async Task<TestStore> CreateAsync(PostgresFixture? postgres, bool migrate = true)
    {
        var masterKey = RandomNumberGenerator.GetBytes(MasterKey.Length);
        TestStore store;
        if (postgres is null)
        {
            var directory = Path.Combine(Path.GetTempPath(), "outflow-store-tests", Guid.NewGuid().ToString("N"));
            store = new TestStore(directory, masterKey, ownsDirectory: true);
        }
        else
        {
            store = new TestStore(await postgres.CreateDatabaseAsync(), masterKey);
        }

        if (migrate)
        {
            await store.Maintenance.MigrateAsync(CancellationToken.None);
        }

        return store;
    }

    /// <summary>Opens the same database with another master key; disposing it leaves the database in place.</summary>
    public TestStore ReopenWithMasterKey(byte[] masterKey) =>
        PostgresDatabase is { } database ? new(database, masterKey) : new(Directory, masterKey, ownsDirectory: false);

    /// <summary>
    /// Opens a second store instance on the same database with the same master key, with service
    /// providers and connection pools of its own, as a second Outflow process would.
    /// </summary>
    public TestStore OpenSecondInstance() => ReopenWithMasterKey(_masterKey);

    /// <summary>
    /// Opens a second instance like <see cref="OpenSecondInstance"/> that connects to the PostgreSQL server at another
    /// port of 127.0.0.1, such as the port of a <see cref="TcpFaultProxy"/> in front of it.
    /// </summary>
    public TestStore OpenSecondInstanceAt(int port)
    {
        var database = PostgresDatabase ?? throw new InvalidOperationException("Only a PostgreSQL store connects to a port.");
        var connectionString = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Port = port }.ConnectionString;
        return new TestStore(new PostgresDatabase(database.Name, connectionString, database.Configuration), _masterKey);
    }

    public async Task<Organization> CreateOrganizationAsync(string? name = null) =>
        await Organizations.GetOrCreateOrganizationAsync(name ?? "org-" + Guid.NewGuid().ToString("N"), CancellationToken.None);

    public async Task<Connection> AddConnectionAsync(Guid organizationId, string name = "warehouse", string password = "secret")
    {
        var connection = new Connection
        {
            Id = Guid.NewGuid(),
            OrganizationId = organizationId,
            Name = name,
            Type = "postgresql",
            Configuration = new JsonObject
            {
                ["hostname"] = "127.0.0.1",
                ["port"] = 5432,
                ["database"] = "app",
                ["username"] = "outflow",
                ["password"] = password,
                ["ssl"] = false,
            },
            CreatedAt = BaseTime,
            UpdatedAt = BaseTime,
            CreatedBy = TestActor,
            UpdatedBy = TestActor,
        };
        await Connections.InsertAsync(connection, CancellationToken.None);
        return connection;
    }

    public async Task<Model> AddModelAsync(Guid organizationId, Guid connectionId, DateTimeOffset? updatedAt = null)
    {
        var model = new Model
        {
            Id = Guid.NewGuid(),
            OrganizationId = organizationId,
            ConnectionId = connectionId,
            ConnectionType = "postgresql",
            Name = "users",
            Configuration = new JsonObject { ["query"] = "SELECT id, email FROM users" },
            Fields =
            [
                new ModelField(Guid.NewGuid(), "id", "id", Core.Connectors.FieldType.Number, "int8", false, BaseTime),
                new ModelField(Guid.NewGuid(), "email", "email", Core.Connectors.FieldType.String, "text", false, BaseTime),
            ],
            Identifier = "id",
            TrackingColumns = ["email"],
            CreatedAt = BaseTime,
            UpdatedAt = updatedAt ?? BaseTime,
            CreatedBy = TestActor,
            UpdatedBy = TestActor,
        };
        await Models.InsertAsync(model, CancellationToken.None);
        return model;
    }

    public static SyncConfiguration NewSyncConfiguration(
        Guid targetConnectionId, Guid modelId, SyncMode mode = SyncMode.UpdateOrCreate, bool active = true,
        string? passphrase = null) => new()
        {
            Name = "users to warehouse",
            Mode = mode,
            Active = active,
            Target = new SyncTarget { ConnectionId = targetConnectionId, Object = "public.users" },
            Identity = new SyncIdentity
            {
                Source = new SourceField { ModelId = modelId, Field = "id" },
                Target = "id",
                Function = "Equality",
            },
            Fields = [new SyncField { Target = "email", Source = new SourceField { ModelId = modelId, Field = "email" } }],
            EncryptionPassphrase = passphrase,
        };

    public async Task<Sync> AddSyncAsync(
        Guid organizationId, Guid targetConnectionId, Guid modelId, SyncMode mode = SyncMode.UpdateOrCreate,
        bool active = true, DateTimeOffset? updatedAt = null, string? passphrase = null)
    {
        var sync = new Sync
        {
            Id = Guid.NewGuid(),
            OrganizationId = organizationId,
            Configuration = NewSyncConfiguration(targetConnectionId, modelId, mode, active, passphrase),
            CreatedAt = BaseTime,
            UpdatedAt = updatedAt ?? BaseTime,
            CreatedBy = TestActor,
            UpdatedBy = TestActor,
        };
        await Syncs.InsertAsync(sync, CancellationToken.None);
        return sync;
    }

    /// <summary>Creates an organization with a connection, a model on it and a sync targeting it.</summary>
    public async Task<(Organization Organization, Connection Connection, Model Model, Sync Sync)> AddSyncWithParentsAsync()
    {
        var organization = await CreateOrganizationAsync();
        var connection = await AddConnectionAsync(organization.Id);
        var model = await AddModelAsync(organization.Id, connection.Id);
        var sync = await AddSyncAsync(organization.Id, connection.Id, model.Id);
        return (organization, connection, model, sync);
    }

    /// <summary>The lease that <see cref="ClaimAsync"/> claims.</summary>
    public static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(30);

    public static Execution NewExecution(Sync sync, DateTimeOffset createdAt, ExecutionStatus status = ExecutionStatus.Created) => new()
    {
        Id = Guid.NewGuid(),
        OrganizationId = sync.OrganizationId,
        SyncId = sync.Id,
        Status = status,
        Type = ExecutionTypes.Manual,
        CreatedAt = createdAt,
        Configuration = sync.Configuration,
    };

    /// <summary>Inserts an execution that is already finished, bypassing the one-unfinished-per-sync check.</summary>
    public async Task<Execution> AddFinishedExecutionAsync(
        Sync sync, DateTimeOffset startedAt, ExecutionStatus status = ExecutionStatus.Completed)
    {
        var execution = NewExecution(sync, startedAt.AddSeconds(-1));
        var (created, isNew) = await Executions.CreateIfIdleAsync(execution, CancellationToken.None);
        Assert.True(isNew, "another execution of the sync is still unfinished");
        var token = await ClaimAsync(created.Id, startedAt);
        Assert.True(await Executions.FinishAsync(created.Id, token, status, [], startedAt.AddSeconds(5), CancellationToken.None));
        return (await Executions.GetByIdAsync(created.Id, CancellationToken.None))!;
    }

    /// <summary>Claims the execution's lease for <see cref="LeaseDuration"/> and returns the lease token.</summary>
    public async Task<string> ClaimAsync(Guid executionId, DateTimeOffset now, string owner = "test-host:1")
    {
        var claim = await Executions.TryClaimAsync(executionId, owner, LeaseDuration, now, CancellationToken.None);
        Assert.Equal(ExecutionClaimStatus.Claimed, claim.Status);
        return claim.LeaseToken!;
    }

    /// <summary>Runs a scalar query directly on the database, outside the store.</summary>
    public async Task<long> ScalarAsync(string sql)
    {
        await using var connection = await OpenDirectAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var connection = await OpenDirectAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// Reads everything the store has written: on SQLite the bytes of the database file and its WAL and
    /// shared-memory files, on PostgreSQL every text and bytea value of every table in the public schema.
    /// </summary>
    public async Task<byte[]> ReadAllStoredBytesAsync()
    {
        using var buffer = new MemoryStream();
        if (!IsPostgreSql)
        {
            SqliteConnection.ClearAllPools();
            foreach (var path in new[] { DatabasePath, DatabasePath + "-wal", DatabasePath + "-shm" })
            {
                if (File.Exists(path))
                {
                    using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                    file.CopyTo(buffer);
                }
            }

            return buffer.ToArray();
        }

        await using var connection = await OpenDirectAsync();
        var columns = new List<(string Table, string Column)>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = """
                SELECT table_name, column_name FROM information_schema.columns
                WHERE table_schema = 'public' AND data_type IN ('text', 'bytea')
                ORDER BY table_name, column_name
                """;
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                columns.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        Assert.NotEmpty(columns);
        foreach (var (table, column) in columns)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT \"{column}\" FROM \"{table}\" WHERE \"{column}\" IS NOT NULL";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var bytes = reader.GetValue(0) switch
                {
                    byte[] value => value,
                    string value => System.Text.Encoding.UTF8.GetBytes(value),
                    var value => throw new InvalidOperationException($"{table}.{column} returned a {value.GetType()}."),
                };
                buffer.Write(bytes);
            }
        }

        return buffer.ToArray();
    }

    /// <summary>Returns SQL that counts the tables with the given name: 1 when it exists.</summary>
    public string CountTablesSql(string table) => IsPostgreSql
        ? $"SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_name = '{table}'"
        : $"SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '{table}'";

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        if (IsPostgreSql)
        {
            return;
        }

        SqliteConnection.ClearAllPools();
        if (_ownsDirectory && System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }

    private static IServiceCollection NewServices(byte[] masterKey) => new ServiceCollection()
        .AddLogging()
        .AddSingleton(new MasterKey(masterKey))
        .AddSingleton(TimeProvider.System);

    private async Task<DbConnection> OpenDirectAsync()
    {
        DbConnection connection = PostgresDatabase is { } database
            ? new NpgsqlConnection(database.ConnectionString)
            : new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync();
        return connection;
    }
}
