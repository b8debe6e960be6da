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
/// A real engine over a real SQLite store in a temporary directory, a SQLite source file in the files root and
/// a fresh PostgreSQL target database. Builds a model, a sync and executions through the store interfaces.
/// </summary>
internal sealed class EngineHarness : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly Actor _actor;

    private EngineHarness(ServiceProvider services, string root, PostgresDatabase target, Organization organization)
    {
        _services = services;
        Root = root;
        Target = target;
        Organization = organization;
        _actor = new Actor(organization.Id, organization.Name, "organization");
    }

    public string Root { get; }

    public string FilesRoot => Path.Combine(Root, "files");

    public string LogsDirectory => Path.Combine(Root, "logs");

    public string ScratchDirectory => Path.Combine(Root, "scratch");

    public string SourcePath => Path.Combine(FilesRoot, "source.sqlite");

    public PostgresDatabase Target { get; }

    public Organization Organization { get; }

    public Guid SourceConnectionId { get; private set; }

    public Guid TargetConnectionId { get; private set; }

    public IExecutionStore Executions => _services.GetRequiredService<IExecutionStore>();

    public IModelStore Models => _services.GetRequiredService<IModelStore>();

    public IExecutionRunner Runner => _services.GetRequiredService<IExecutionRunner>();

    /// <summary>Creates the harness; with <paramref name="flakyTarget"/>, the target connection goes through it.</summary>
    public static async Task<EngineHarness> CreateAsync(
        PostgresFixture postgres, int batchSize = 500, FlakyConnectorFactory? flakyTarget = null)
    {
        var root = Path.Combine(Path.GetTempPath(), "outflow-engine-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)));
        Directory.CreateDirectory(Path.Combine(root, "files"));
        var target = await postgres.CreateDatabaseAsync();

        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(new MasterKey(RandomNumberGenerator.GetBytes(MasterKey.Length)));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(new ConnectorEnvironment(Path.Combine(root, "files")));
        services.AddSqliteStore(Path.Combine(root, "store.sqlite"));
        services.AddSqliteConnector();
        services.AddPostgreSqlConnector();
        if (flakyTarget is not null)
        {
            services.AddSingleton<IConnectorFactory>(flakyTarget);
        }

        services.AddOutflowEngine(new EngineOptions
        {
            LogsDirectory = Path.Combine(root, "logs"),
            ScratchDirectory = Path.Combine(root, "scratch"),
            BatchSize = batchSize,
            RetryBaseDelay = TimeSpan.FromMilliseconds(1),
        });
        var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<IStoreMaintenance>().MigrateAsync(CancellationToken.None);
        var organization = await provider.GetRequiredService<IOrganizationStore>()
            .GetOrCreateOrganizationAsync("engine-tests", CancellationToken.None);
        var harness = new EngineHarness(provider, root, target, organization);
        await harness.CreateConnectionsAsync(flakyTarget is null ? "postgresql" : FlakyConnectorFactory.TypeId);
        return harness;
    }

    /// <summary>Runs SQL statements on the SQLite source file, creating it when needed.</summary>
    public void ExecuteSource(string sql)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = SourcePath, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>Runs SQL statements on the PostgreSQL target database.</summary>
    public async Task ExecuteTargetAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Target.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Reads one bigint column of the target, ordered.</summary>
    public async Task<List<long>> QueryTargetIdsAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Target.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var ids = new List<long>();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetInt64(0));
        }

        return ids;
    }

    public async Task<object?> QueryTargetScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Target.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    public async Task<Model> CreateModelAsync(string query, params string[] fieldNames)
    {
        var now = DateTimeOffset.UnixEpoch;
        var model = new Model
        {
            Id = Guid.NewGuid(),
            OrganizationId = Organization.Id,
            ConnectionId = SourceConnectionId,
            ConnectionType = "sqlite",
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

    /// <summary>Creates a sync that maps every listed model field to the target column of the same name.</summary>
    public async Task<Sync> CreateSyncAsync(Model model, SyncMode mode, string targetObject, string identityField, params string[] fields)
    {
        var configuration = new SyncConfiguration
        {
            Name = "people sync",
            Mode = mode,
            Active = true,
            Target = new SyncTarget { ConnectionId = TargetConnectionId, Object = targetObject },
            Identity = new SyncIdentity
            {
                Source = new SourceField { ModelId = model.Id, Field = identityField },
                Target = identityField,
                Function = "Equality",
            },
            Fields = fields
                .Select(name => new SyncField { Source = new SourceField { ModelId = model.Id, Field = name }, Target = name })
                .ToList(),
        };
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
        await _services.GetRequiredService<ISyncStore>().InsertAsync(sync, CancellationToken.None);
        return sync;
    }

    /// <summary>Creates an execution of the sync, runs it to its end and returns it as stored.</summary>
    public async Task<Execution> RunAsync(Sync sync, ExecutionOptions? options = null)
    {
        var execution = new Execution
        {
            Id = Guid.NewGuid(),
            OrganizationId = Organization.Id,
            SyncId = sync.Id,
            Status = ExecutionStatus.Created,
            Type = ExecutionTypes.Manual,
            CreatedAt = TimeProvider.System.GetUtcNow(),
            Configuration = sync.Configuration,
            Options = options ?? ExecutionOptions.Default,
        };
        var (created, isNew) = await Executions.CreateIfIdleAsync(execution, CancellationToken.None);
        Assert.True(isNew, $"execution {created.Id} of the sync is still unfinished");
        await Runner.RunAsync(execution.Id, CancellationToken.None);
        return (await Executions.GetByIdAsync(execution.Id, CancellationToken.None))!;
    }

    /// <summary>Reads every line of one record log type of an execution.</summary>
    public List<JsonObject> ReadLog(Guid executionId, string type)
    {
        var directory = Path.Combine(LogsDirectory, executionId.ToString());
        if (!Directory.Exists(directory))
        {
            return [];
        }

        return Directory.GetFiles(directory, type + "-*.jsonl")
            .Order(StringComparer.Ordinal)
            .SelectMany(File.ReadAllLines)
            .Select(line => JsonNode.Parse(line)!.AsObject())
            .ToList();
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

    private async Task CreateConnectionsAsync(string targetType)
    {
        var connections = _services.GetRequiredService<IConnectionStore>();
        var now = DateTimeOffset.UnixEpoch;
        var source = new Connection
        {
            Id = Guid.NewGuid(),
            OrganizationId = Organization.Id,
            Name = "source",
            Type = "sqlite",
            Configuration = new JsonObject { ["path"] = "source.sqlite" },
            CreatedAt = now,
            UpdatedAt = now,
            CreatedBy = _actor,
            UpdatedBy = _actor,
        };
        var target = new Connection
        {
            Id = Guid.NewGuid(),
            OrganizationId = Organization.Id,
            Name = "target",
            Type = targetType,
            Configuration = Target.Configuration,
            CreatedAt = now,
            UpdatedAt = now,
            CreatedBy = _actor,
            UpdatedBy = _actor,
        };
        await connections.InsertAsync(source, CancellationToken.None);
        await connections.InsertAsync(target, CancellationToken.None);
        SourceConnectionId = source.Id;
        TargetConnectionId = target.Id;
    }
}
