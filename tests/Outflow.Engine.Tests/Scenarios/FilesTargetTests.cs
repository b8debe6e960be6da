using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Outflow.Core.Executions;
using Outflow.Core.Syncs;
using Outflow.Engine.Tests.Running;
using Outflow.Testing;

namespace Outflow.Engine.Tests.Scenarios;

/// <summary>Executions that write model rows to a <c>files</c> connection in each of its modes.</summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class FilesTargetTests(PostgresFixture postgres)
{
    [Theory]
    [InlineData(SourceKind.PostgreSql, "csv")]
    [InlineData(SourceKind.Sqlite, "jsonl")]
    public async Task Replace_file_equals_model_after_each_execution(SourceKind source, string format)
    {
        await using var harness = await EngineHarness.CreateAsync(postgres, TargetKind.Sqlite, source);
        await harness.ExecuteSourceAsync("CREATE TABLE people (id bigint PRIMARY KEY, name text, amount bigint)");
        await harness.ExecuteSourceAsync("INSERT INTO people VALUES (1, 'Ada', 10), (2, 'Grace, R.', NULL), (3, 'Cy', 30)");
        var sync = await CreateSyncAsync(harness, format, SyncMode.Replace, "id");
        var path = Path.Combine(harness.FilesRoot, "out", "people." + format);

        var first = await harness.RunAsync(sync);

        People.AssertCompleted(first);
        Assert.Equal(new ExecutionCounts(Total: 3, Insert: 3, Upserts: 3), first.Counts);
        Assert.Equal(
            format == "csv"
                ? "id,name,amount\r\n1,Ada,10\r\n2,\"Grace, R.\",\r\n3,Cy,30\r\n"
                : "{\"id\":1,\"name\":\"Ada\",\"amount\":10}\n{\"id\":2,\"name\":\"Grace, R.\",\"amount\":null}\n{\"id\":3,\"name\":\"Cy\",\"amount\":30}\n",
            File.ReadAllText(path));

        await harness.ExecuteSourceAsync("DELETE FROM people WHERE id = 1; UPDATE people SET amount = 31 WHERE id = 3; INSERT INTO people VALUES (4, 'Dee', 40)");
        var second = await harness.RunAsync(sync);

        People.AssertCompleted(second);
        Assert.Equal(new ExecutionCounts(Total: 3, Insert: 1, Update: 1, Upserts: 2, Delete: 1), second.Counts);
        Assert.Equal(
            format == "csv"
                ? "id,name,amount\r\n2,\"Grace, R.\",\r\n3,Cy,31\r\n4,Dee,40\r\n"
                : "{\"id\":2,\"name\":\"Grace, R.\",\"amount\":null}\n{\"id\":3,\"name\":\"Cy\",\"amount\":31}\n{\"id\":4,\"name\":\"Dee\",\"amount\":40}\n",
            File.ReadAllText(path));
    }

    [Theory]
    [InlineData(SourceKind.PostgreSql)]
    [InlineData(SourceKind.Sqlite)]
    public async Task Append_adds_new_and_changed_rows(SourceKind source)
    {
        await using var harness = await EngineHarness.CreateAsync(postgres, TargetKind.Sqlite, source);
        await harness.ExecuteSourceAsync("CREATE TABLE people (id bigint PRIMARY KEY, name text, amount bigint)");
        await harness.ExecuteSourceAsync("INSERT INTO people VALUES (1, 'Ada', 10), (2, 'Grace', 20)");
        var sync = await CreateSyncAsync(harness, "csv", SyncMode.Append, null);

        People.AssertCompleted(await harness.RunAsync(sync));
        await harness.ExecuteSourceAsync("UPDATE people SET amount = 11 WHERE id = 1");
        var second = await harness.RunAsync(sync);

        People.AssertCompleted(second);
        Assert.Equal(new ExecutionCounts(Total: 1, Insert: 1), second.Counts);
        Assert.Equal(
            "id,name,amount\r\n1,Ada,10\r\n2,Grace,20\r\n1,Ada,11\r\n",
            File.ReadAllText(Path.Combine(harness.FilesRoot, "out", "people.csv")));
    }

    [Fact]
    public async Task Append_to_other_csv_header_fails_before_writing()
    {
        await using var harness = await EngineHarness.CreateAsync(postgres, TargetKind.Sqlite, SourceKind.Sqlite);
        await harness.ExecuteSourceAsync("CREATE TABLE people (id bigint PRIMARY KEY, name text, amount bigint)");
        await harness.ExecuteSourceAsync("INSERT INTO people VALUES (1, 'Ada', 10)");
        var path = Path.Combine(harness.FilesRoot, "out", "people.csv");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "name,id,amount\r\n");
        var sync = await CreateSyncAsync(harness, "csv", SyncMode.Append, null);

        var failed = await harness.RunAsync(sync);

        Assert.Equal(ExecutionStatus.Failed, failed.Status);
        Assert.Equal(ExecutionCounts.Zero, failed.Counts);
        Assert.Contains(failed.Errors, e => e.Contains("has the columns name, id, amount", StringComparison.Ordinal));
        Assert.Equal("name,id,amount\r\n", File.ReadAllText(path));
    }

    [Fact]
    public async Task Snapshot_writes_one_file_per_execution()
    {
        await using var harness = await EngineHarness.CreateAsync(postgres, TargetKind.Sqlite, SourceKind.PostgreSql);
        await harness.ExecuteSourceAsync("CREATE TABLE people (id bigint PRIMARY KEY, name text, amount bigint)");
        await harness.ExecuteSourceAsync("INSERT INTO people VALUES (1, 'Ada', 10)");
        var sync = await CreateSyncAsync(harness, "jsonl", SyncMode.Snapshot, null);

        var first = await harness.RunAsync(sync);
        var second = await harness.RunAsync(sync);

        People.AssertCompleted(first);
        People.AssertCompleted(second);
        foreach (var execution in new[] { first, second })
        {
            var text = File.ReadAllText(Path.Combine(harness.FilesRoot, "out", $"people-{execution.Id}.jsonl"));
            Assert.StartsWith($"{{\"id\":1,\"name\":\"Ada\",\"amount\":10,\"outflow_execution_id\":\"{execution.Id}\",\"outflow_snapshot_at\":\"", text, StringComparison.Ordinal);
        }

        Assert.False(File.Exists(Path.Combine(harness.FilesRoot, "out", "people.jsonl")));
    }

    [Fact]
    public async Task Encrypted_replace_file_uses_sync_passphrase()
    {
        await using var harness = await EngineHarness.CreateAsync(postgres, TargetKind.Sqlite, SourceKind.Sqlite);
        await harness.ExecuteSourceAsync("CREATE TABLE people (id bigint PRIMARY KEY, name text, amount bigint)");
        await harness.ExecuteSourceAsync("INSERT INTO people VALUES (1, 'Ada', 10)");
        var model = await People.CreateModelAsync(harness);
        var connectionId = await harness.CreateFilesConnectionAsync("out", "csv");
        var configuration = harness.NewSyncConfiguration(model, SyncMode.Replace, "people.csv", "id", People.Fields) with
        {
            Target = new SyncTarget { ConnectionId = connectionId, Object = "people.csv" },
            EncryptionPassphrase = "correct horse",
        };
        var sync = await harness.CreateSyncAsync(configuration);

        People.AssertCompleted(await harness.RunAsync(sync));

        var bytes = File.ReadAllBytes(Path.Combine(harness.FilesRoot, "out", "people.csv"));
        Assert.Equal("id,name,amount\r\n1,Ada,10\r\n", Decrypt(bytes, "correct horse"));
    }

    private static async Task<Sync> CreateSyncAsync(EngineHarness harness, string format, SyncMode mode, string? identity)
    {
        var model = await People.CreateModelAsync(harness);
        var connectionId = await harness.CreateFilesConnectionAsync("out", format);
        var configuration = harness.NewSyncConfiguration(model, mode, "people." + format, identity, People.Fields) with
        {
            Target = new SyncTarget { ConnectionId = connectionId, Object = "people." + format },
        };
        return await harness.CreateSyncAsync(configuration);
    }

    /// <summary>Decrypts a file of one chunk by the documented format.</summary>
    private static string Decrypt(byte[] bytes, string passphrase)
    {
        var key = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(passphrase), bytes.AsSpan(12, 16), 600_000, HashAlgorithmName.SHA256, 32);
        var length = (int)BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(28));
        var associated = new byte[36];
        bytes.AsSpan(0, 28).CopyTo(associated);
        var clear = new byte[length];
        using var aes = new AesGcm(key, 16);
        aes.Decrypt(bytes.AsSpan(32, 12), bytes.AsSpan(44, length), bytes.AsSpan(44 + length, 16), clear, associated);
        Assert.Equal(bytes.Length, 44 + length + 16);
        return Encoding.UTF8.GetString(clear);
    }
}
