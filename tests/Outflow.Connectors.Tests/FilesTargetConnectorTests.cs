using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Outflow.Connectors.Files;
using Outflow.Core.Connectors;
using Outflow.Core.Syncs;

namespace Outflow.Connectors.Tests;

public sealed class FilesTargetConnectorTests : IDisposable
{
    private readonly string _temporary;
    private readonly string _root;
    private readonly FilesConnectorFactory _factory = new();

    public FilesTargetConnectorTests()
    {
        _temporary = Path.Combine(Path.GetTempPath(), "outflow-files-" + Guid.NewGuid().ToString("N"));
        _root = Path.Combine(_temporary, "files");
        Directory.CreateDirectory(Path.Combine(_root, "out"));
        Directory.CreateDirectory(Path.Combine(_temporary, "outside"));
    }

    private ConnectorEnvironment Environment => new(_root);

    private string OutPath(string name) => Path.Combine(_root, "out", name);

    [Fact]
    public void Validate_accepts_directory_and_format()
    {
        var problems = _factory.Validate(Configuration("out", "csv"), Environment);

        Assert.Empty(problems);
    }

    [Fact]
    public void Validate_accepts_files_root_itself()
    {
        Assert.Empty(_factory.Validate(Configuration(".", "jsonl"), Environment));
    }

    [Theory]
    [InlineData("../outside")]
    [InlineData("out/../../outside")]
    public void Validate_directory_outside_root_is_invalid(string directory)
    {
        var problem = Assert.Single(_factory.Validate(Configuration(directory, "csv"), Environment));

        Assert.Equal("configuration.directory", problem.Field);
        Assert.Equal(directory, problem.Value);
        Assert.Contains(directory, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_link_out_of_root_is_invalid()
    {
        Directory.CreateSymbolicLink(Path.Combine(_root, "escape"), Path.Combine(_temporary, "outside"));

        var problem = Assert.Single(_factory.Validate(Configuration("escape", "csv"), Environment));

        Assert.Equal("configuration.directory", problem.Field);
        Assert.Contains("inside the files root", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("xml")]
    [InlineData("CSV")]
    public void Validate_unknown_format_is_invalid(string format)
    {
        var problem = Assert.Single(_factory.Validate(Configuration("out", format), Environment));

        Assert.Equal("configuration.format", problem.Field);
        Assert.Equal(format, problem.Value);
    }

    [Fact]
    public void Validate_missing_keys_are_invalid()
    {
        var problems = _factory.Validate(new JsonObject(), Environment);

        Assert.Equal(["configuration.directory", "configuration.format"], problems.Select(p => p.Field));
    }

    [Fact]
    public async Task Describe_offers_any_name_with_three_modes()
    {
        await using var target = Target("csv");

        var info = await target.DescribeObjectAsync("new.csv", CancellationToken.None);

        Assert.NotNull(info);
        Assert.True(info.AcceptsAnyField);
        Assert.Empty(info.Fields);
        Assert.Equal([SyncMode.Append, SyncMode.Snapshot, SyncMode.Replace], info.Modes);
    }

    [Theory]
    [InlineData("../escape.csv")]
    [InlineData(".hidden.csv")]
    [InlineData("a/b.csv")]
    [InlineData("")]
    public async Task Describe_invalid_name_names_rule(string name)
    {
        await using var target = Target("csv");

        var exception = await Assert.ThrowsAsync<InvalidTargetObjectException>(
            () => target.DescribeObjectAsync(name, CancellationToken.None));

        Assert.Equal(name, exception.ObjectId);
        Assert.Contains("not a valid file name", exception.Message, StringComparison.Ordinal);
        Assert.Contains("without slashes", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Describe_csv_with_header_fixes_append_fields()
    {
        File.WriteAllText(OutPath("people.csv"), "id,first_name,email\r\n1,Ada,ada@example.com\r\n");
        await using var target = Target("csv");

        var info = await target.DescribeObjectAsync("people.csv", CancellationToken.None);

        Assert.NotNull(info);
        Assert.Equal(["id", "first_name", "email"], info.Fields.Select(f => f.Id));
        Assert.Equal(["id", "first_name", "email"], info.AppendFields);
        Assert.True(info.AcceptsAnyField);
    }

    [Fact]
    public async Task Describe_new_or_jsonl_file_has_no_append_fields()
    {
        File.WriteAllText(OutPath("people.jsonl"), "{\"id\":1}\n");
        await using var csv = Target("csv");
        await using var jsonl = Target("jsonl");

        var missing = await csv.DescribeObjectAsync("new.csv", CancellationToken.None);
        var lines = await jsonl.DescribeObjectAsync("people.jsonl", CancellationToken.None);

        Assert.Null(missing!.AppendFields);
        Assert.Null(lines!.AppendFields);
    }

    [Fact]
    public async Task Describe_directory_that_is_file_says_so()
    {
        File.WriteAllText(Path.Combine(_root, "plain"), "not a directory");
        await using var target = _factory.CreateTarget(Configuration("plain", "csv"), Environment);

        var exception = await Assert.ThrowsAsync<ConnectorException>(
            () => target.DescribeObjectAsync("people.csv", CancellationToken.None));

        Assert.Contains("is a file, not a directory", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_returns_files_of_format_with_csv_header()
    {
        File.WriteAllText(OutPath("people.csv"), "id,name\r\n1,Ada\r\n");
        File.WriteAllText(OutPath("other.jsonl"), "{}\n");
        await using var target = Target("csv");

        var objects = await target.ListObjectsAsync(CancellationToken.None);

        var info = Assert.Single(objects);
        Assert.Equal("people.csv", info.Id);
        Assert.Equal(["id", "name"], info.Fields.Select(f => f.Name));
    }

    [Fact]
    public async Task List_skips_link_out_of_root()
    {
        File.WriteAllText(OutPath("people.csv"), "id,name\r\n1,Ada\r\n");
        File.WriteAllText(Path.Combine(_temporary, "secret.csv"), "password\r\nhunter2\r\n");
        File.CreateSymbolicLink(OutPath("leak.csv"), Path.Combine(_temporary, "secret.csv"));
        await using var target = Target("csv");

        var objects = await target.ListObjectsAsync(CancellationToken.None);

        var info = Assert.Single(objects);
        Assert.Equal("people.csv", info.Id);
    }

    [Fact]
    public async Task Append_to_link_out_of_root_fails()
    {
        File.WriteAllText(Path.Combine(_temporary, "secret.csv"), "id,name\r\n");
        File.CreateSymbolicLink(OutPath("leak.csv"), Path.Combine(_temporary, "secret.csv"));
        await using var target = Target("csv");

        var exception = await Assert.ThrowsAsync<ConnectorException>(
            () => target.WriteAsync(AppendBatch("leak.csv", ["id", "name"], [1L, "Ada"]), CancellationToken.None));

        Assert.Contains("leak.csv", exception.Message, StringComparison.Ordinal);
        Assert.Contains("outside", exception.Message, StringComparison.Ordinal);
        Assert.Equal("id,name\r\n", File.ReadAllText(Path.Combine(_temporary, "secret.csv")));
    }

    [Fact]
    public async Task Append_csv_writes_header_once_and_quotes()
    {
        await using var target = Target("csv");

        await target.WriteAsync(AppendBatch("people.csv", ["id", "name"], [1L, "Ada, Countess"], [2L, ""]), CancellationToken.None);
        await target.WriteAsync(AppendBatch("people.csv", ["id", "name"], [3L, null], [4L, "say \"hi\"\nbye"]), CancellationToken.None);

        Assert.Equal(
            "id,name\r\n1,\"Ada, Countess\"\r\n2,\"\"\r\n3,\r\n4,\"say \"\"hi\"\"\nbye\"\r\n",
            File.ReadAllText(OutPath("people.csv")));
    }

    [Fact]
    public async Task Append_csv_with_other_columns_fails()
    {
        File.WriteAllText(OutPath("people.csv"), "id,email\r\n");
        await using var target = Target("csv");

        var exception = await Assert.ThrowsAsync<ConnectorException>(
            () => target.WriteAsync(AppendBatch("people.csv", ["id", "name"], [1L, "Ada"]), CancellationToken.None));

        Assert.Contains("id, email", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Append_jsonl_writes_one_object_per_line()
    {
        await using var target = Target("jsonl");

        await target.WriteAsync(AppendBatch("people.jsonl", ["id", "name", "ok"], [1L, "Åsa \"q\"", true], [2L, null, false]), CancellationToken.None);

        Assert.Equal(
            "{\"id\":1,\"name\":\"Åsa \\\"q\\\"\",\"ok\":true}\n{\"id\":2,\"name\":null,\"ok\":false}\n",
            File.ReadAllText(OutPath("people.jsonl")));
    }

    [Fact]
    public async Task Append_retried_batch_is_not_duplicated()
    {
        await using var target = Target("csv");
        var first = AppendBatch("people.csv", ["id"], [1L], [2L]);
        var second = AppendBatch("people.csv", ["id"], [3L]);

        await target.WriteAsync(first, CancellationToken.None);
        await target.WriteAsync(second, CancellationToken.None);

        // An attempt wrote part of a batch and crashed before its checkpoint, so the engine sends the batch again.
        var retried = AppendBatch("people.csv", ["id"], [4L], [5L]);
        await target.WriteAsync(retried, CancellationToken.None);
        using (var file = new FileStream(OutPath("people.csv"), FileMode.Open))
        {
            file.SetLength(file.Length - 2);
        }

        await target.WriteAsync(retried, CancellationToken.None);

        Assert.Equal("id\r\n1\r\n2\r\n3\r\n4\r\n5\r\n", File.ReadAllText(OutPath("people.csv")));
    }

    [Fact]
    public async Task Append_same_identities_next_execution_kept()
    {
        await using var target = Target("csv");
        var first = AppendBatch("people.csv", ["id", "name"], [1L, "a"]) with { ExecutionId = Guid.NewGuid() };
        var next = AppendBatch("people.csv", ["id", "name"], [1L, "a"]) with { ExecutionId = Guid.NewGuid() };

        await target.WriteAsync(first, CancellationToken.None);
        await target.WriteAsync(next, CancellationToken.None);

        Assert.Equal("id,name\r\n1,a\r\n1,a\r\n", File.ReadAllText(OutPath("people.csv")));
    }

    [Fact]
    public async Task Snapshot_writes_file_per_execution()
    {
        await using var target = Target("csv");
        var fields = new[] { "id", SnapshotColumns.ExecutionId, SnapshotColumns.SnapshotAt };
        var at = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

        await target.WriteAsync(AppendBatch("people.csv", fields, [1L, "e1", at]), CancellationToken.None);
        await target.WriteAsync(AppendBatch("people.csv", fields, [1L, "e2", at]), CancellationToken.None);

        Assert.False(File.Exists(OutPath("people.csv")));
        Assert.Equal(
            "id,outflow_execution_id,outflow_snapshot_at\r\n1,e1,2026-01-02T03:04:05+00:00\r\n",
            File.ReadAllText(OutPath("people-e1.csv")));
        Assert.True(File.Exists(OutPath("people-e2.csv")));
    }

    [Fact]
    public async Task Replace_applies_upserts_updates_and_deletes()
    {
        await using var target = Target("csv");
        string[] fields = ["id", "name"];

        var inserted = await target.WriteAsync(
            Batch("people.csv", fields, Upsert(1L, "Ada"), Upsert(2L, "Bob"), Upsert(3L, "Cy")), CancellationToken.None);
        var changed = await target.WriteAsync(
            Batch("people.csv", fields, Upsert(2L, "Bobby"), Delete(1L), Delete(9L), new TargetRecord(RecordOperation.Update, 8L, [8L, "x"])),
            CancellationToken.None);

        Assert.All(inserted, r => Assert.Equal(RecordOutcome.Inserted, r.Outcome));
        Assert.Equal(
            [RecordOutcome.Updated, RecordOutcome.Deleted, RecordOutcome.NotFound, RecordOutcome.NotFound],
            changed.Select(r => r.Outcome));
        Assert.Equal("id,name\r\n2,Bobby\r\n3,Cy\r\n", File.ReadAllText(OutPath("people.csv")));
        Assert.Equal(
            [true, false, true],
            await target.ContainsAsync("people.csv", "id", [2L, 1L, 3L], CancellationToken.None));
    }

    [Fact]
    public async Task Replace_keeps_create_only_value()
    {
        await using var target = Target("jsonl");
        string[] fields = ["id", "first_seen"];
        var createOnly = new HashSet<string>(StringComparer.Ordinal) { "first_seen" };

        await target.WriteAsync(Batch("p.jsonl", fields, Upsert(1L, "a"), Upsert(2L, (object?)null)) with { CreateOnlyFields = createOnly }, CancellationToken.None);
        await target.WriteAsync(Batch("p.jsonl", fields, Upsert(1L, "b"), Upsert(2L, "c")) with { CreateOnlyFields = createOnly }, CancellationToken.None);

        Assert.Equal("{\"id\":1,\"first_seen\":\"a\"}\n{\"id\":2,\"first_seen\":\"c\"}\n", File.ReadAllText(OutPath("p.jsonl")));
    }

    [Fact]
    public async Task Replace_file_is_never_partial_for_reader()
    {
        await using var target = Target("csv");
        string[] fields = ["id", "payload"];
        var payload = new string('x', 2000);
        await target.WriteAsync(Batch("live.csv", fields, Upsert(0L, payload)), CancellationToken.None);
        using var stop = new CancellationTokenSource();
        var problems = new List<string>();
        var reads = 0;
        var reader = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                var text = File.ReadAllText(OutPath("live.csv"));
                reads++;
                var lines = text.Split("\r\n");

                // A complete file is the header, whole rows and the empty text after the last line end.
                if (lines[0] != "id,payload" || lines[^1].Length != 0 || lines[1..^1].Any(l => !l.EndsWith("," + payload, StringComparison.Ordinal)))
                {
                    problems.Add(text.Length > 100 ? text[..100] : text);
                }
            }
        });

        for (var i = 1; i <= 200; i++)
        {
            await target.WriteAsync(Batch("live.csv", fields, Upsert(i, payload), Delete(i - 1L)), CancellationToken.None);
            await target.WriteAsync(Batch("live.csv", fields, Upsert(i + 1000L, payload)), CancellationToken.None);
        }

        await stop.CancelAsync();
        await reader;

        Assert.Empty(problems);
        Assert.True(reads > 0);
        // The header, record 200, records 1001 to 1200 and the empty text after the last line end.
        Assert.Equal(203, File.ReadAllText(OutPath("live.csv")).Split("\r\n").Length);
    }

    [Theory]
    [InlineData("csv")]
    [InlineData("jsonl")]
    public async Task Encrypted_file_decrypts_with_documented_format(string format)
    {
        var name = "secret." + format;
        await using (var target = Target(format, "correct horse"))
        {
            await target.WriteAsync(AppendBatch(name, ["id", "name"], [1L, "Ada"]), CancellationToken.None);
            await target.WriteAsync(AppendBatch(name, ["id", "name"], [2L, new string('z', 70_000)]), CancellationToken.None);
        }

        var bytes = File.ReadAllBytes(OutPath(name));
        var plaintext = DecryptDocumentedFormat(bytes, "correct horse");

        var expected = format == "csv"
            ? "id,name\r\n1,Ada\r\n2," + new string('z', 70_000) + "\r\n"
            : "{\"id\":1,\"name\":\"Ada\"}\n{\"id\":2,\"name\":\"" + new string('z', 70_000) + "\"}\n";
        Assert.Equal(expected, plaintext);
        Assert.Equal(-1, bytes.AsSpan().IndexOf("Ada"u8));
    }

    [Fact]
    public async Task Encrypted_replace_file_reads_back()
    {
        await using (var target = Target("csv", "pw"))
        {
            await target.WriteAsync(Batch("s.csv", ["id", "name"], Upsert(1L, "Ada"), Upsert(2L, "Bob")), CancellationToken.None);
            await target.WriteAsync(Batch("s.csv", ["id", "name"], Delete(1L)), CancellationToken.None);
        }

        Assert.Equal("id,name\r\n2,Bob\r\n", DecryptDocumentedFormat(File.ReadAllBytes(OutPath("s.csv")), "pw"));
    }

    [Fact]
    public async Task Encrypted_file_with_wrong_passphrase_fails()
    {
        await using (var target = Target("csv", "right"))
        {
            await target.WriteAsync(Batch("s.csv", ["id"], Upsert(1L)), CancellationToken.None);
        }

        await using var wrong = Target("csv", "wrong");
        var exception = await Assert.ThrowsAsync<ConnectorException>(
            () => wrong.WriteAsync(Batch("s.csv", ["id"], Upsert(2L)), CancellationToken.None));

        Assert.Contains("passphrase is wrong", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plain_file_with_passphrase_fails()
    {
        File.WriteAllText(OutPath("plain.csv"), "id\r\n1\r\n");
        await using var target = Target("csv", "pw");

        var exception = await Assert.ThrowsAsync<ConnectorException>(
            () => target.WriteAsync(AppendBatch("plain.csv", ["id"], [2L]), CancellationToken.None));

        Assert.Contains("not encrypted", exception.Message, StringComparison.Ordinal);
        Assert.Equal("id\r\n1\r\n", File.ReadAllText(OutPath("plain.csv")));
    }

    /// <summary>Decrypts a file by the format documented in docs/API.md, independently of the connector's code.</summary>
    private static string DecryptDocumentedFormat(byte[] bytes, string passphrase)
    {
        Assert.Equal("OFLWENC1"u8.ToArray(), bytes[..8]);
        var header = bytes[..28];
        var iterations = (int)BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(8));
        Assert.Equal(600_000, iterations);
        var key = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(passphrase), bytes.AsSpan(12, 16), iterations, HashAlgorithmName.SHA256, 32);
        using var aes = new AesGcm(key, 16);
        var output = new MemoryStream();
        var position = 28;
        ulong index = 0;
        while (position < bytes.Length)
        {
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(position));
            var nonce = bytes.AsSpan(position + 4, 12);
            var ciphertext = bytes.AsSpan(position + 16, length);
            var tag = bytes.AsSpan(position + 16 + length, 16);
            var associated = new byte[36];
            header.CopyTo(associated, 0);
            BinaryPrimitives.WriteUInt64BigEndian(associated.AsSpan(28), index);
            var clear = new byte[length];
            aes.Decrypt(nonce, ciphertext, tag, clear, associated);
            output.Write(clear);
            position += 16 + length + 16;
            index++;
        }

        return Encoding.UTF8.GetString(output.ToArray());
    }

    private ITargetConnector Target(string format, string? passphrase = null) =>
        _factory.CreateTarget(Configuration("out", format), Environment with { EncryptionPassphrase = passphrase });

    private static JsonObject Configuration(string directory, string format) => new() { ["directory"] = directory, ["format"] = format };

    private static WriteBatch AppendBatch(string objectId, string[] fields, params object?[][] rows) =>
        new(objectId, null, fields, [.. rows.Select((values, i) => new TargetRecord(RecordOperation.Append, "key" + i + string.Join("|", values), values))]);

    private static WriteBatch Batch(string objectId, string[] fields, params TargetRecord[] records) =>
        new(objectId, fields[0], fields, records);

    private static TargetRecord Upsert(long id, params object?[] rest) => new(RecordOperation.Upsert, id, [id, .. rest]);

    private static TargetRecord Delete(long id) => new(RecordOperation.Delete, id, []);

    public void Dispose() => Directory.Delete(_temporary, recursive: true);
}
