using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
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

namespace Outflow.Engine.Tests.Running;

/// <summary>
/// A real engine over a real SQLite store in a temporary directory. The source is a SQLite file in the files root
/// or a fresh PostgreSQL database. The target is a fresh PostgreSQL database or another SQLite file in the files
/// root. Builds models, syncs and executions through the store interfaces.
/// </summary>
internal sealed class EngineHarness : IAsyncDisposable
{
    // The engine's own settings, for those that a test does not choose.
    private static readonly EngineOptions EngineDefaults = new() { LogsDirectory = "", ScratchDirectory = "" };

    /// <summary>The table that <see cref="InstallWriteLogAsync"/> fills with one line per row the target changes.</summary>
    public const string WriteLogTable = "outflow_test_write_log";

    private const string TargetFileName = "target.sqlite";

    private readonly ServiceProvider _services;
    private readonly Actor _actor;

    private EngineHarness(
        ServiceProvider services,
        string root,
        Organization organization,
        TargetKind targetKind,
        SourceKind sourceKind,
        PostgresDatabase? targetDatabase,
        PostgresDatabase? sourceDatabase)
    {
        _services = services;
        Root = root;
        Organization = organization;
        TargetKind = targetKind;
        SourceKind = sourceKind;
        TargetDatabase = targetDatabase;
        SourceDatabase = sourceDatabase;
        _actor = new Actor(organization.Id, organization.Name, "organization");
    }

    public string Root { get; }

    public string FilesRoot => Path.Combine(Root, "files");

    public string LogsDirectory => Path.Combine(Root, "logs");

    public string ScratchDirectory => Path.Combine(Root, "scratch");

    public string SourcePath => Path.Combine(FilesRoot, "source.sqlite");

    public string TargetPath => Path.Combine(FilesRoot, TargetFileName);

    public TargetKind TargetKind { get; }

    public SourceKind SourceKind { get; }

    /// <summary>The PostgreSQL target database, or null when the target is SQLite.</summary>
    public PostgresDatabase? TargetDatabase { get; }

    /// <summary>The PostgreSQL source database, or null when the source is SQLite.</summary>
    public PostgresDatabase? SourceDatabase { get; }

    public Organization Organization { get; }

    public Guid SourceConnectionId { get; private set; }

    public Guid TargetConnectionId { get; private set; }

    public IExecutionStore Executions => _services.GetRequiredService<IExecutionStore>();

    public IModelStore Models => _services.GetRequiredService<IModelStore>();

    public ISyncStore Syncs => _services.GetRequiredService<ISyncStore>();

    public IExecutionRunner Runner => _services.GetRequiredService<IExecutionRunner>();

    public ISyncStateStore State => _services.GetRequiredService<ISyncStateStore>();

    public IExecutionConsoleLog ConsoleLog => _services.GetRequiredService<IExecutionConsoleLog>();

    /// <summary>
    /// Creates a harness with a SQLite source and a PostgreSQL target. With <paramref name="flakyTarget"/>, the target
    /// connection goes through it.
    /// </summary>
    public static Task<EngineHarness> CreateAsync(
        PostgresFixture postgres, int batchSize = 500, FlakyConnectorFactory? flakyTarget = null, TimeSpan? retryBaseDelay = null,
        TimeSpan? leaseDuration = null) =>
        CreateAsync(postgres, TargetKind.PostgreSql, SourceKind.Sqlite, batchSize, flakyTarget, retryBaseDelay, leaseDuration: leaseDuration);

    /// <summary>
    /// Creates a harness with the chosen target and source databases, both empty. A
    /// <paramref name="consoleProgressInterval"/> of zero writes a console progress entry for every row and batch, and
    /// a <paramref name="checkpointRecords"/> of 1 makes every written batch due for its checkpoint.
    /// </summary>
    public static async Task<EngineHarness> CreateAsync(
        PostgresFixture postgres, TargetKind target, SourceKind source = SourceKind.Sqlite, int batchSize = 500,
        FlakyConnectorFactory? flakyTarget = null, TimeSpan? retryBaseDelay = null, TimeSpan? consoleProgressInterval = null,
        TimeSpan? leaseDuration = null, int? checkpointRecords = null)
    {
        if (flakyTarget is not null && target != TargetKind.PostgreSql)
        {
            throw new ArgumentException("the flaky connector wraps the postgresql connector, so it needs a PostgreSQL target", nameof(target));
        }

        var root = Path.Combine(Path.GetTempPath(), "outflow-engine-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)));
        var filesRoot = Path.Combine(root, "files");
        Directory.CreateDirectory(filesRoot);
        var targetDatabase = target == TargetKind.PostgreSql ? await postgres.CreateDatabaseAsync() : null;
        var sourceDatabase = source == SourceKind.PostgreSql ? await postgres.CreateDatabaseAsync() : null;
        if (target == TargetKind.Sqlite)
        {
            // The connector never creates a missing database file, so the target file must exist before the first run.
            await using var connection = OpenSqlite(Path.Combine(filesRoot, TargetFileName), SqliteOpenMode.ReadWriteCreate);
            await connection.OpenAsync();
        }

        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(new MasterKey(RandomNumberGenerator.GetBytes(MasterKey.Length)));
        services.AddSingleton(TimeProvider.System);
        // Webhook tests send to a receiver on 127.0.0.1, which the address check rejects unless allowed.
        services.AddSingleton(new ConnectorEnvironment(filesRoot) { AllowPrivateNetworks = true });
        services.AddSqliteStore(Path.Combine(root, "store.sqlite"));
        services.AddSqliteConnector();
        services.AddPostgreSqlConnector();
        services.AddWebhookConnector();
        services.AddFilesConnector();
        if (flakyTarget is not null)
        {
            services.AddSingleton<IConnectorFactory>(flakyTarget);
        }

        services.AddOutflowEngine(new EngineOptions
        {
            LogsDirectory = Path.Combine(root, "logs"),
            ScratchDirectory = Path.Combine(root, "scratch"),
            BatchSize = batchSize,
            RetryBaseDelay = retryBaseDelay ?? TimeSpan.FromMilliseconds(1),
            ConsoleProgressInterval = consoleProgressInterval ?? TimeSpan.FromSeconds(5),
            LeaseDuration = leaseDuration ?? TimeSpan.FromSeconds(30),
            CheckpointRecords = checkpointRecords ?? EngineDefaults.CheckpointRecords,
        });
        var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<IStoreMaintenance>().MigrateAsync(CancellationToken.None);
        var organization = await provider.GetRequiredService<IOrganizationStore>()
            .GetOrCreateOrganizationAsync("engine-tests", CancellationToken.None);
        var harness = new EngineHarness(provider, root, organization, target, source, targetDatabase, sourceDatabase);
        await harness.CreateConnectionsAsync(flakyTarget is null ? null : FlakyConnectorFactory.TypeId);
        return harness;
    }

    /// <summary>
    /// Points the target connection at another port of 127.0.0.1, such as a <see cref="TcpFaultProxy"/>'s in front of the
    /// target database.
    /// </summary>
    public Task RouteTargetAsync(int port) => SetPortAsync(TargetConnectionId, port);

    /// <summary>Points the source connection at another port of 127.0.0.1, such as a <see cref="TcpFaultProxy"/>'s.</summary>
    public Task RouteSourceAsync(int port) => SetPortAsync(SourceConnectionId, port);

    /// <summary>Returns the target object id of a table: schema-qualified in PostgreSQL, the bare name in SQLite.</summary>
    public string TargetObject(string table) => TargetKind == TargetKind.PostgreSql ? "public." + table : table;

    /// <summary>Runs SQL statements on the SQLite source file, creating it when needed.</summary>
    public void ExecuteSource(string sql)
    {
        using var connection = OpenSqlite(SourcePath, SqliteOpenMode.ReadWriteCreate);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>Runs SQL statements on the engine's SQLite store, as an operator with the sqlite3 shell would.</summary>
    public void ExecuteStore(string sql)
    {
        using var connection = OpenSqlite(Path.Combine(Root, "store.sqlite"), SqliteOpenMode.ReadWrite);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>Runs SQL statements on the source database, whichever kind it is.</summary>
    public async Task ExecuteSourceAsync(string sql)
    {
        if (SourceDatabase is null)
        {
            ExecuteSource(sql);
            return;
        }

        await ExecutePostgresAsync(SourceDatabase, sql);
    }

    /// <summary>Runs SQL statements on the target database, whichever kind it is.</summary>
    public async Task ExecuteTargetAsync(string sql)
    {
        if (TargetDatabase is not null)
        {
            await ExecutePostgresAsync(TargetDatabase, sql);
            return;
        }

        await using var connection = OpenSqlite(TargetPath, SqliteOpenMode.ReadWrite);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Reads one integer column of the target, in the query's order.</summary>
    public async Task<List<long>> QueryTargetIdsAsync(string sql)
    {
        var rows = await QueryTargetValuesAsync(sql);
        return rows.ConvertAll(row => Convert.ToInt64(row[0], CultureInfo.InvariantCulture));
    }

    public async Task<object?> QueryTargetScalarAsync(string sql)
    {
        var rows = await QueryTargetValuesAsync(sql);
        return rows.Count == 0 ? null : rows[0][0];
    }

    /// <summary>
    /// Reads the target's rows as text, one string per row with the columns joined by <c>|</c> and null written as
    /// <c>NULL</c>, so that assertions read the same for both target kinds.
    /// </summary>
    public async Task<List<string>> QueryTargetRowsAsync(string sql)
    {
        var rows = await QueryTargetValuesAsync(sql);
        return rows.ConvertAll(row => string.Join('|', row.Select(FormatValue)));
    }

    /// <summary>Reads the target's rows with the drivers' values, DBNull turned into null.</summary>
    public async Task<List<object?[]>> QueryTargetValuesAsync(string sql)
    {
        await using var connection = TargetDatabase is not null
            ? (DbConnection)new NpgsqlConnection(TargetDatabase.ConnectionString)
            : OpenSqlite(TargetPath, SqliteOpenMode.ReadOnly);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
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

    /// <summary>
    /// Adds row-level triggers to a target table that record every row inserted, updated and deleted in
    /// <see cref="WriteLogTable"/>, so a test can compare the execution's counts with what the target really did.
    /// </summary>
    public Task InstallWriteLogAsync(string table)
    {
        if (TargetKind == TargetKind.PostgreSql)
        {
            return ExecuteTargetAsync($"""
                CREATE TABLE IF NOT EXISTS {WriteLogTable} (operation text NOT NULL);
                CREATE OR REPLACE FUNCTION outflow_test_log_write() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO {WriteLogTable} VALUES (TG_OP);
                    RETURN NULL;
                END $$;
                CREATE TRIGGER {table}_write_log AFTER INSERT OR UPDATE OR DELETE ON {table}
                    FOR EACH ROW EXECUTE FUNCTION outflow_test_log_write();
                """);
        }

        return ExecuteTargetAsync($"""
            CREATE TABLE IF NOT EXISTS {WriteLogTable} (operation TEXT NOT NULL);
            CREATE TRIGGER {table}_log_insert AFTER INSERT ON {table} BEGIN INSERT INTO {WriteLogTable} VALUES ('INSERT'); END;
            CREATE TRIGGER {table}_log_update AFTER UPDATE ON {table} BEGIN INSERT INTO {WriteLogTable} VALUES ('UPDATE'); END;
            CREATE TRIGGER {table}_log_delete AFTER DELETE ON {table} BEGIN INSERT INTO {WriteLogTable} VALUES ('DELETE'); END;
            """);
    }

    /// <summary>Returns the rows inserted, updated and deleted since the last call, and empties the write log.</summary>
    public async Task<TargetWrites> TakeWriteLogAsync()
    {
        var rows = await QueryTargetValuesAsync($"SELECT operation, count(*) FROM {WriteLogTable} GROUP BY operation");
        await ExecuteTargetAsync($"DELETE FROM {WriteLogTable}");
        long Count(string operation) => rows
            .Where(row => string.Equals((string?)row[0], operation, StringComparison.Ordinal))
            .Select(row => Convert.ToInt64(row[1], CultureInfo.InvariantCulture))
            .SingleOrDefault();
        return new TargetWrites(Count("INSERT"), Count("UPDATE"), Count("DELETE"));
    }

    /// <summary>Creates a model on the source connection whose fields are the listed column names.</summary>
    public async Task<Model> CreateModelAsync(string query, params string[] fieldNames)
    {
        var now = DateTimeOffset.UnixEpoch;
        var model = new Model
        {
            Id = Guid.NewGuid(),
            OrganizationId = Organization.Id,
            ConnectionId = SourceConnectionId,
            ConnectionType = SourceKind == SourceKind.PostgreSql ? "postgresql" : "sqlite",
            Name = "people",
            Configuration = new JsonObject { ["query"] = query },
            Fields = fieldNames
                .Select(name => new ModelField(Guid.NewGuid(), name, name, FieldType.Unknown, "", false, now))
                .ToList(),
            CreatedAt = now,
            UpdatedAt = now,
            CreatedBy = _actor,
            UpdatedBy = _actor,
        };
        await Models.InsertAsync(model, CancellationToken.None);
        return model;
    }

    public async Task UpdateModelQueryAsync(Model model, string query)
    {
        model.Configuration = new JsonObject { ["query"] = query };
        await Models.UpdateAsync(model, CancellationToken.None);
    }

    /// <summary>Sets the model's tracking columns, the only columns that decide whether a row changed.</summary>
    public async Task SetTrackingColumnsAsync(Model model, params string[] columns)
    {
        model.TrackingColumns = columns;
        await Models.UpdateAsync(model, CancellationToken.None);
    }

    /// <summary>Returns a reference to a field of the model, as filters, overrides and mappings take it.</summary>
    public static SourceField Field(Model model, string name) => new() { ModelId = model.Id, Field = name };

    /// <summary>
    /// Builds an active sync configuration that maps every listed model field to the target column of the same name.
    /// A null <paramref name="identityField"/> leaves the identity unset, for modes that do not match records.
    /// </summary>
    public SyncConfiguration NewSyncConfiguration(
        Model model, SyncMode mode, string targetObject, string? identityField, params string[] fields) =>
        new()
        {
            Name = "people sync",
            Mode = mode,
            Active = true,
            Target = new SyncTarget { ConnectionId = TargetConnectionId, Object = targetObject },
            Identity = identityField is null
                ? null
                : new SyncIdentity { Source = Field(model, identityField), Target = identityField, Function = "Equality" },
            Fields = fields.Select(name => new SyncField { Source = Field(model, name), Target = name }).ToList(),
        };

    /// <summary>Creates a sync that maps every listed model field to the target column of the same name.</summary>
    public Task<Sync> CreateSyncAsync(Model model, SyncMode mode, string targetObject, string identityField, params string[] fields) =>
        CreateSyncAsync(NewSyncConfiguration(model, mode, targetObject, identityField, fields));

    /// <summary>Stores a sync with any configuration, unvalidated, as the engine will read it.</summary>
    public async Task<Sync> CreateSyncAsync(SyncConfiguration configuration)
    {
        var now = DateTimeOffset.UnixEpoch;
        var sync = new Sync
        {
            Id = Guid.NewGuid(),
            OrganizationId = Organization.Id,
            Configuration = configuration,
            CreatedAt = now,
            UpdatedAt = now,
            CreatedBy = _actor,
            UpdatedBy = _actor,
        };
        await Syncs.InsertAsync(sync, CancellationToken.None);
        return sync;
    }

    /// <summary>Replaces a sync's configuration and keeps its change-detection state.</summary>
    public async Task UpdateSyncAsync(Sync sync, SyncConfiguration configuration)
    {
        sync.Configuration = configuration;
        await Syncs.UpdateAsync(sync, clearState: false, CancellationToken.None);
    }

    /// <summary>Creates an execution of the sync of the given type, runs it to its end and returns it as stored.</summary>
    public async Task<Execution> RunAsync(Sync sync, ExecutionOptions? options = null, string type = ExecutionTypes.Manual)
    {
        var execution = await CreateExecutionAsync(sync, options, type);
        await Runner.RunAsync(execution.Id, CancellationToken.None);
        return (await Executions.GetByIdAsync(execution.Id, CancellationToken.None))!;
    }

    /// <summary>Creates an execution of the sync without running it.</summary>
    public async Task<Execution> CreateExecutionAsync(Sync sync, ExecutionOptions? options = null, string type = ExecutionTypes.Manual)
    {
        var execution = new Execution
        {
            Id = Guid.NewGuid(),
            OrganizationId = Organization.Id,
            SyncId = sync.Id,
            Status = ExecutionStatus.Created,
            Type = type,
            CreatedAt = TimeProvider.System.GetUtcNow(),
            Configuration = sync.Configuration,
            Options = options ?? ExecutionOptions.Default,
        };
        var (created, isNew) = await Executions.CreateIfIdleAsync(execution, CancellationToken.None);
        Assert.True(isNew, $"execution {created.Id} of the sync is still unfinished");
        return created;
    }

    /// <summary>Reads the sync's change-detection state: identity text to row hash.</summary>
    public async Task<Dictionary<string, UInt128>> ReadStateAsync(Sync sync)
    {
        var entries = new Dictionary<string, UInt128>(StringComparer.Ordinal);
        await foreach (var entry in State.ReadAllAsync(sync.Id, CancellationToken.None))
        {
            entries.Add(entry.Identity, entry.RowHash);
        }

        return entries;
    }

    /// <summary>
    /// Reads every line of one record log type of an execution, through <see cref="IExecutionLogFiles"/>: from the
    /// store once the execution has ended, else from the local logs directory.
    /// </summary>
    public List<JsonObject> ReadLog(Guid executionId, string type) => ReadLogAsync(executionId, type).GetAwaiter().GetResult();

    private async Task<List<JsonObject>> ReadLogAsync(Guid executionId, string type)
    {
        var logFiles = _services.GetRequiredService<IExecutionLogFiles>();
        var lines = new List<JsonObject>();
        foreach (var name in await logFiles.ListNamesAsync(executionId, type, CancellationToken.None))
        {
            var stream = await logFiles.OpenAsync(executionId, name, CancellationToken.None);
            Assert.NotNull(stream);
            using var reader = new StreamReader(stream);
            while (await reader.ReadLineAsync() is { } line)
            {
                lines.Add(JsonNode.Parse(line)!.AsObject());
            }
        }

        return lines;
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary directory must not fail the test.
        }
    }

    private static SqliteConnection OpenSqlite(string path, SqliteOpenMode mode) =>
        new(new SqliteConnectionStringBuilder { DataSource = path, Mode = mode, Pooling = false }.ToString());

    private static async Task ExecutePostgresAsync(PostgresDatabase database, string sql)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static string FormatValue(object? value) => value switch
    {
        null => "NULL",
        string text => text,
        bool flag => flag ? "true" : "false",
        DateTime timestamp => timestamp.ToString("O", CultureInfo.InvariantCulture),
        DateTimeOffset instant => instant.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
        double number => number.ToString("R", CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>Stores a <c>webhook</c> connection to <paramref name="url"/> and returns its id.</summary>
    public async Task<Guid> CreateWebhookConnectionAsync(Uri url, int batchSize)
    {
        var connection = NewConnection("webhook", "webhook", new JsonObject { ["url"] = url.ToString(), ["batch_size"] = batchSize });
        await _services.GetRequiredService<IConnectionStore>().InsertAsync(connection, CancellationToken.None);
        return connection.Id;
    }

    private async Task CreateConnectionsAsync(string? targetTypeOverride)
    {
        var connections = _services.GetRequiredService<IConnectionStore>();
        var source = NewConnection(
            "source",
            SourceDatabase is null ? "sqlite" : "postgresql",
            SourceDatabase?.Configuration ?? new JsonObject { ["path"] = "source.sqlite" });
        var target = NewConnection(
            "target",
            targetTypeOverride ?? (TargetDatabase is null ? "sqlite" : "postgresql"),
            TargetDatabase?.Configuration ?? new JsonObject { ["path"] = TargetFileName });
        await connections.InsertAsync(source, CancellationToken.None);
        await connections.InsertAsync(target, CancellationToken.None);
        SourceConnectionId = source.Id;
        TargetConnectionId = target.Id;
    }

    /// <summary>
    /// Creates a <c>files</c> connection to the directory <paramref name="directory"/> of the files root, creating the
    /// directory, and returns the connection's id.
    /// </summary>
    public async Task<Guid> CreateFilesConnectionAsync(string directory, string format)
    {
        Directory.CreateDirectory(Path.Combine(FilesRoot, directory));
        var connection = NewConnection("files " + format, "files", new JsonObject { ["directory"] = directory, ["format"] = format });
        await _services.GetRequiredService<IConnectionStore>().InsertAsync(connection, CancellationToken.None);
        return connection.Id;
    }

    private async Task SetPortAsync(Guid connectionId, int port)
    {
        var connections = _services.GetRequiredService<IConnectionStore>();
        var connection = await connections.GetAsync(Organization.Id, connectionId, CancellationToken.None);
        Assert.NotNull(connection);
        Assert.True(connection.Configuration.ContainsKey("port"), $"connection {connection.Name} has no port to change");
        connection.Configuration["port"] = port;
        await connections.UpdateAsync(connection, CancellationToken.None);
    }

    private Connection NewConnection(string name, string type, JsonObject configuration)
    {
        var now = DateTimeOffset.UnixEpoch;
        return new Connection
        {
            Id = Guid.NewGuid(),
            OrganizationId = Organization.Id,
            Name = name,
            Type = type,
            Configuration = configuration,
            CreatedAt = now,
            UpdatedAt = now,
            CreatedBy = _actor,
            UpdatedBy = _actor,
        };
    }
}
