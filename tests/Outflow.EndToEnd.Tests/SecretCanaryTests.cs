using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Npgsql;
using Outflow.Testing;

namespace Outflow.EndToEnd.Tests;

/// <summary>
/// Plants canary strings in every secret that <c>outflow serve</c> takes (database passwords, webhook headers, a
/// files sync's encryption passphrase, the API key), drives the API through successes and failures, and checks
/// that no canary, in clear text or in a common encoding, reaches an API response, a line the server printed,
/// an execution's console log or log files, or any file in the data directory.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed partial class SecretCanaryTests(PostgresFixture postgres) : IDisposable
{
    private const int Rows = 40;

    /// <summary>Names longer than the target's varchar(12) column, so that their rows fail and fill the error logs.</summary>
    private const string LongName = "a name longer than twelve";

    // The + / = & characters change under base64, URL and JSON encoding, so each encoded form differs from the raw one.
    private static readonly string Suffix = Guid.NewGuid().ToString("N")[..10];
    private static readonly string PostgresPassword = "pg+Canary/" + Suffix + "=&1";
    private static readonly string WrongPostgresPassword = "pg+Wrong/" + Suffix + "=&2";
    private static readonly string MySqlPassword = "my+Canary/" + Suffix + "=&3";
    private static readonly string WebhookToken = "hook+Canary/" + Suffix + "=&4";
    private static readonly string WebhookSigningSecret = "sig+Canary/" + Suffix + "=&5";
    private static readonly string Passphrase = "files+Canary/" + Suffix + "=&6";
    private static readonly string ApiKey = "api-key-canary-" + Suffix + "-0123456789";
    private static readonly string WarehouseName = "warehouse " + Suffix;

    private static readonly string[] Canaries =
        [PostgresPassword, WrongPostgresPassword, MySqlPassword, WebhookToken, WebhookSigningSecret, Passphrase];

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "outflow-secrets-" + Guid.NewGuid().ToString("N"));
    private readonly List<string> _transcript = [];

    /// <summary>The tokens of the signed log download URLs the API returned, each a credential until it expires.</summary>
    private readonly List<string> _downloadTokens = [];

    [Fact]
    public async Task Planted_secrets_never_leave_server()
    {
        var filesRoot = Path.Combine(_dataDirectory, "files");
        Directory.CreateDirectory(Path.Combine(filesRoot, "exports"));
        await WriteSourceAsync(Path.Combine(filesRoot, "rows.sqlite"));
        var database = await postgres.CreateDatabaseAsync();
        var role = await CreateCanaryRoleAsync(database);
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.RejectedIdentities["3"] = "rejected by the receiver";
        var environment = new Dictionary<string, string>
        {
            ["OUTFLOW_DATA_DIR"] = _dataDirectory,
            ["OUTFLOW_BOOTSTRAP_KEY"] = ApiKey,
            ["OUTFLOW_ALLOW_PRIVATE_NETWORKS"] = "true",
        };

        var (server, address) = await OutflowProcess.StartServerAsync(environment, "--urls", "http://127.0.0.1:0");
        await using (server)
        {
            using var http = new HttpClient { BaseAddress = address };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);

            var warehouse = PostgresConfiguration(database, role, PostgresPassword);
            var warehouseId = await CreateConnectionAsync(http, WarehouseName, "postgresql", warehouse, validate: true);
            var brokenId = await ExerciseWrongPasswordAsync(http, database, role);
            var mysqlId = await ExerciseMySqlAsync(http);
            var webhookId = await CreateConnectionAsync(http, "hook", "webhook", new JsonObject
            {
                ["url"] = receiver.Url.ToString(),
                ["headers"] = new JsonObject { ["Authorization"] = "Bearer " + WebhookToken, ["X-Signing-Secret"] = WebhookSigningSecret },
            }, validate: true);
            var filesId = await CreateConnectionAsync(
                http, "exports", "files", new JsonObject { ["directory"] = "exports", ["format"] = "jsonl" }, validate: true);
            var sourceId = await CreateConnectionAsync(
                http, "rows", "sqlite", new JsonObject { ["path"] = "rows.sqlite" }, validate: true);

            foreach (var id in new[] { warehouseId, brokenId, mysqlId, webhookId, filesId, sourceId })
            {
                await SendAsync(http, HttpMethod.Get, $"api/connections/{id}");
                await SendAsync(http, HttpMethod.Get, $"api/connections/{id}/modelsync/targetobjects");
            }

            await SendAsync(http, HttpMethod.Get, "api/connections");
            await ExerciseUpdatesAsync(http, warehouseId, warehouse);
            await ExerciseModelsAsync(http, warehouseId, expectOk: true);
            await ExerciseModelsAsync(http, brokenId, expectOk: false);

            var modelId = await CreateModelAsync(http, sourceId);
            await SendAsync(http, HttpMethod.Get, $"api/models/{modelId}/sample");
            await SendAsync(http, HttpMethod.Get, $"api/connections/{warehouseId}/modelsync/target/fields?target=public.rows");

            var warehouseSync = await CreateSyncAsync(http, "rows to warehouse", modelId, warehouseId, "public.rows", "replace");
            var webhookSync = await CreateSyncAsync(http, "rows to hook", modelId, webhookId, "records", "updateOrCreate");
            var filesSync = await CreateSyncAsync(http, "rows to files", modelId, filesId, "rows.jsonl", "replace", Passphrase);
            await SendAsync(http, HttpMethod.Get, "api/syncs");

            var completed = await RunAsync(http, warehouseSync);
            Assert.Equal("completed", completed["status"]!.GetValue<string>());
            Assert.True(completed["counts"]!["error"]!.GetValue<long>() > 0, "no row failed, so the error logs stay empty");
            Assert.Equal("completed", (await RunAsync(http, webhookSync))["status"]!.GetValue<string>());
            Assert.Equal("completed", (await RunAsync(http, filesSync))["status"]!.GetValue<string>());
            Assert.Contains(receiver.Requests, request => request.Headers["Authorization"] == "Bearer " + WebhookToken);

            // The same settings with a wrong password make the next execution fail on connect.
            var wrong = PostgresConfiguration(database, role, WrongPostgresPassword);
            await SendAsync(http, HttpMethod.Put, $"api/connections/{warehouseId}", new JsonObject
            {
                ["name"] = WarehouseName,
                ["configuration"] = wrong,
                ["validate"] = false,
            });
            var failed = await RunAsync(http, warehouseSync);
            Assert.Equal("failed", failed["status"]!.GetValue<string>());

            foreach (var syncId in new[] { warehouseSync, webhookSync, filesSync })
            {
                await ReadExecutionsAsync(http, syncId);
            }

            var deleted = await SendAsync(http, HttpMethod.Delete, $"api/connections/{mysqlId}");
            Assert.Equal(HttpStatusCode.OK, deleted.Status);

            Assert.True(server.Output.Count > 0, "the server printed nothing, so its output was not captured");
            AssertNoCanary("server output", string.Join('\n', server.Output));
            AssertNoCanaryInDataDirectory();
            Assert.Equal(0, await server.TerminateAsync(TimeSpan.FromMinutes(1)));
            AssertNoCanary("server output", string.Join('\n', server.Output));

            Assert.NotEmpty(_downloadTokens);
            foreach (var token in _downloadTokens)
            {
                var line = server.Output.FirstOrDefault(line => line.Contains(token, StringComparison.Ordinal));
                Assert.True(line is null, $"the server output contains a log download token: {line}");
            }
        }

        AssertNoCanary("API responses", string.Join('\n', _transcript));
        AssertNoCanaryInDataDirectory();
    }

    public void Dispose()
    {
        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }

    /// <summary>
    /// Returns the canaries and their encoded forms: URL encoding, JSON escaping (default and relaxed), and base64
    /// at each of the three byte alignments that a canary can have inside a longer encoded value.
    /// </summary>
    private static IEnumerable<(string Secret, string Form, string Text)> EncodedForms()
    {
        foreach (var secret in Canaries.Append(ApiKey))
        {
            yield return (secret, "raw", secret);
            yield return (secret, "URL-encoded", Uri.EscapeDataString(secret));
            yield return (secret, "JSON-escaped", JsonEncodedText.Encode(secret).Value);
            yield return (secret, "relaxed JSON-escaped", JsonEncodedText.Encode(secret, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).Value);
            var bytes = Encoding.UTF8.GetBytes(secret);
            for (var offset = 0; offset < 3; offset++)
            {
                var whole = (bytes.Length - offset) / 3 * 3;
                yield return (secret, $"base64 at offset {offset}", Convert.ToBase64String(bytes, offset, whole));
            }
        }
    }

    /// <summary>
    /// Checks <paramref name="text"/> as it is and with JSON escapes decoded, repeatedly, because a JSON log line
    /// that quotes a JSON value escapes the canary twice (<c>\\u002B</c>).
    /// </summary>
    private static void AssertNoCanary(string where, string text)
    {
        foreach (var haystack in new[] { text, Unescape(text) })
        {
            foreach (var (secret, form, encoded) in EncodedForms())
            {
                var index = haystack.IndexOf(encoded, StringComparison.Ordinal);
                Assert.True(index < 0, $"{where} contain {secret} ({form}) in: …{Excerpt(haystack, index)}…");
            }
        }
    }

    private static void AssertNoCanary(string where, byte[] bytes)
    {
        AssertNoCanary(where, Encoding.UTF8.GetString(bytes));
        foreach (var (secret, form, encoded) in EncodedForms())
        {
            Assert.True(
                bytes.AsSpan().IndexOf(Encoding.Unicode.GetBytes(encoded)) < 0,
                $"{where} contains {secret} ({form}, UTF-16)");
        }
    }

    /// <summary>Decodes JSON string escapes until none is left, so that text escaped several times reads as written.</summary>
    private static string Unescape(string text)
    {
        for (var round = 0; round < 5; round++)
        {
            var decoded = JsonEscape().Replace(text, match => match.Groups["hex"].Success
                ? ((char)int.Parse(match.Groups["hex"].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToString()
                : match.Groups["char"].Value);
            if (decoded == text)
            {
                return text;
            }

            text = decoded;
        }

        return text;
    }

    [GeneratedRegex(@"\\(?:u(?<hex>[0-9a-fA-F]{4})|(?<char>[\\/""]))")]
    private static partial Regex JsonEscape();

    private static string Excerpt(string text, int index) =>
        text.Substring(Math.Max(0, index - 200), Math.Min(text.Length - Math.Max(0, index - 200), 400));

    /// <summary>Checks every file under the data directory: the store, its -wal and -shm files, log files, the files root.</summary>
    private void AssertNoCanaryInDataDirectory()
    {
        var files = Directory.GetFiles(_dataDirectory, "*", SearchOption.AllDirectories);
        Assert.Contains(files, file => Path.GetFileName(file) == "outflow.db");
        var nameFound = false;
        foreach (var file in files)
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var bytes = copy.ToArray();
            AssertNoCanary(Path.GetRelativePath(_dataDirectory, file), bytes);
            nameFound |= bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(WarehouseName)) >= 0;
        }

        // The connection name is stored in clear text, which shows that the bytes read contain the stored rows.
        Assert.True(nameFound, $"no file in {_dataDirectory} contains the connection name {WarehouseName}");
    }

    /// <summary>Creates a connection to the database with the wrong password: the test, the create and a target lookup fail.</summary>
    private async Task<string> ExerciseWrongPasswordAsync(HttpClient http, PostgresDatabase database, string role)
    {
        var configuration = PostgresConfiguration(database, role, WrongPostgresPassword);
        var test = await SendAsync(http, HttpMethod.Post, "api/connections/test", new JsonObject
        {
            ["type"] = "postgresql",
            ["configuration"] = configuration.DeepClone(),
        });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, test.Status);

        var create = await SendAsync(http, HttpMethod.Post, "api/connections", new JsonObject
        {
            ["name"] = "broken",
            ["type"] = "postgresql",
            ["configuration"] = configuration.DeepClone(),
        });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, create.Status);
        Assert.Contains("password authentication failed", create.Text, StringComparison.Ordinal);

        var id = await CreateConnectionAsync(http, "broken", "postgresql", configuration, validate: false);
        var fields = await SendAsync(http, HttpMethod.Get, $"api/connections/{id}/modelsync/target/fields?target=public.rows");
        Assert.NotEqual(HttpStatusCode.OK, fields.Status);
        return id;
    }

    /// <summary>Creates a MySQL connection to a closed port, so that testing it fails with a network error.</summary>
    private async Task<string> ExerciseMySqlAsync(HttpClient http)
    {
        var configuration = new JsonObject
        {
            ["hostname"] = "127.0.0.1",
            ["port"] = 1,
            ["database"] = "shop",
            ["username"] = "outflow",
            ["password"] = MySqlPassword,
        };
        var test = await SendAsync(http, HttpMethod.Post, "api/connections/test", new JsonObject
        {
            ["type"] = "mysql",
            ["configuration"] = configuration.DeepClone(),
        });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, test.Status);
        return await CreateConnectionAsync(http, "orders", "mysql", configuration, validate: false);
    }

    /// <summary>Sends updates and tests of a stored connection, valid ones and ones rejected next to a password.</summary>
    private async Task ExerciseUpdatesAsync(HttpClient http, string id, JsonObject configuration)
    {
        var masked = (JsonObject)configuration.DeepClone();
        masked["password"] = "********";
        var update = await SendAsync(http, HttpMethod.Put, $"api/connections/{id}", new JsonObject
        {
            ["name"] = WarehouseName,
            ["configuration"] = masked,
        });
        Assert.Equal(HttpStatusCode.OK, update.Status);

        var test = await SendAsync(http, HttpMethod.Post, "api/connections/test", new JsonObject
        {
            ["type"] = "postgresql",
            ["connection_id"] = id,
            ["configuration"] = new JsonObject(),
        });
        Assert.Equal(HttpStatusCode.OK, test.Status);

        var invalidPort = (JsonObject)configuration.DeepClone();
        invalidPort["port"] = "not a port";
        var badPort = await SendAsync(http, HttpMethod.Put, $"api/connections/{id}", new JsonObject
        {
            ["name"] = WarehouseName,
            ["configuration"] = invalidPort,
        });
        Assert.Equal(HttpStatusCode.BadRequest, badPort.Status);

        var misspelt = (JsonObject)configuration.DeepClone();
        misspelt["Password"] = misspelt["password"]!.DeepClone();
        var unknownKey = await SendAsync(http, HttpMethod.Put, $"api/connections/{id}", new JsonObject
        {
            ["name"] = WarehouseName,
            ["configuration"] = misspelt,
        });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unknownKey.Status);

        var badName = await SendAsync(http, HttpMethod.Put, $"api/connections/{id}", new JsonObject
        {
            ["name"] = 42,
            ["configuration"] = configuration.DeepClone(),
        });
        Assert.Equal(HttpStatusCode.BadRequest, badName.Status);

        var badValidate = await SendAsync(http, HttpMethod.Put, $"api/connections/{id}", new JsonObject
        {
            ["name"] = WarehouseName,
            ["configuration"] = configuration.DeepClone(),
            ["validate"] = "yes",
        });
        Assert.Equal(HttpStatusCode.BadRequest, badValidate.Status);

        var movedHost = (JsonObject)masked.DeepClone();
        movedHost["hostname"] = "localhost";
        var moved = await SendAsync(http, HttpMethod.Put, $"api/connections/{id}", new JsonObject
        {
            ["name"] = WarehouseName,
            ["configuration"] = movedHost,
        });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, moved.Status);

        var passphraseOnDatabase = await SendAsync(http, HttpMethod.Post, "api/syncs", new JsonObject
        {
            ["name"] = "bad",
            ["mode"] = "replace",
            ["encryption_passphrase"] = Passphrase,
            ["target"] = new JsonObject { ["connection_id"] = id, ["object"] = "public.rows" },
        });
        Assert.NotEqual(HttpStatusCode.OK, passphraseOnDatabase.Status);
    }

    /// <summary>
    /// Previews and creates, inline and as a job, a model on a PostgreSQL connection, so that a connection with the
    /// wrong password fails in each of those paths.
    /// </summary>
    private async Task ExerciseModelsAsync(HttpClient http, string connectionId, bool expectOk)
    {
        await SendAsync(http, HttpMethod.Get, $"api/connections/{connectionId}/modelsync/source");
        await SendAsync(http, HttpMethod.Get, $"api/connections/{connectionId}/modelsync/source/fields?params[table]=public.rows");
        var model = new JsonObject
        {
            ["name"] = "warehouse rows",
            ["connection_id"] = connectionId,
            ["configuration"] = new JsonObject { ["table"] = "public.rows" },
        };
        var preview = await SendAsync(http, HttpMethod.Post, "api/model-preview", model.DeepClone());
        Assert.Equal(expectOk, preview.Status == HttpStatusCode.OK);
        var created = await SendAsync(http, HttpMethod.Post, "api/models", model.DeepClone());
        Assert.Equal(expectOk, created.Status == HttpStatusCode.OK);

        var job = await SendAsync(http, HttpMethod.Post, "api/models?async=true", model.DeepClone());
        Assert.True(job.Status == HttpStatusCode.OK, job.Text);
        var jobPath = $"api/jobs/{job.Json!["job"]!["type"]!.GetValue<string>()}/{job.Json["job"]!["job_id"]!.GetValue<string>()}";

        // A bound on polling, not a timing assertion: it only keeps a broken job runner from hanging the test run.
        var deadline = Environment.TickCount64 + 60_000;
        while ((await SendAsync(http, HttpMethod.Get, jobPath)).Json!["data"]!["status"]!.GetValue<string>() is not ("done" or "failed"))
        {
            Assert.True(Environment.TickCount64 < deadline, $"job {jobPath} did not finish");
            await Task.Delay(100);
        }

        // The second request with the same Idempotency-Key gets the stored response of the first.
        for (var attempt = 0; attempt < 2; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/connections/test")
            {
                Content = JsonContent.Create(new JsonObject
                {
                    ["type"] = "postgresql",
                    ["connection_id"] = connectionId,
                    ["configuration"] = new JsonObject(),
                }),
            };
            request.Headers.Add("Idempotency-Key", $"test-{connectionId}");
            await SendAsync(http, request);
        }
    }

    /// <summary>Reads every endpoint of every execution of a sync, and downloads every log file.</summary>
    private async Task ReadExecutionsAsync(HttpClient http, string syncId)
    {
        await SendAsync(http, HttpMethod.Get, $"api/syncs/{syncId}");
        await SendAsync(http, HttpMethod.Get, $"api/syncs/{syncId}/status");
        var list = await SendAsync(http, HttpMethod.Get, $"api/syncs/{syncId}/executions");
        foreach (var execution in list.Json!["data"]!.AsArray())
        {
            var path = $"api/syncs/{syncId}/executions/{execution!["id"]!.GetValue<string>()}";
            await SendAsync(http, HttpMethod.Get, path);
            await SendAsync(http, HttpMethod.Get, path + "/consolelog");
            var index = await SendAsync(http, HttpMethod.Get, path + "/logs");
            foreach (var file in index.Json!["data"]!["files"]!.AsArray())
            {
                var type = file!["type"]!.GetValue<string>();
                var urls = await SendAsync(http, HttpMethod.Get, $"{path}/{type}");
                foreach (var url in urls.Json!["data"]!["urls"]!.AsArray())
                {
                    _downloadTokens.Add(new Uri(url!.GetValue<string>()).Segments[^1]);
                    var download = await SendAsync(http, HttpMethod.Get, url.GetValue<string>());
                    Assert.Equal(HttpStatusCode.OK, download.Status);
                }

                await SendAsync(http, HttpMethod.Get, $"{path}/{type}/{file["name"]!.GetValue<string>()}");
            }
        }
    }

    private async Task<JsonNode> RunAsync(HttpClient http, string syncId)
    {
        var started = await SendAsync(http, HttpMethod.Post, $"api/syncs/{syncId}/executions", new JsonObject());
        Assert.True(started.Status == HttpStatusCode.OK, started.Text);
        var executionId = started.Json!["data"]!["id"]!.GetValue<string>();

        // A bound on polling, not a timing assertion: it only keeps a broken engine from hanging the test run.
        var deadline = Environment.TickCount64 + 120_000;
        while (true)
        {
            var execution = (await SendAsync(http, HttpMethod.Get, $"api/syncs/{syncId}/executions/{executionId}")).Json!["data"]!;
            if (execution["status"]!.GetValue<string>() is "completed" or "failed" or "canceled" or "interrupted")
            {
                return execution;
            }

            Assert.True(Environment.TickCount64 < deadline, $"execution {executionId} did not finish: {execution.ToJsonString()}");
            await Task.Delay(100);
        }
    }

    private async Task<string> CreateConnectionAsync(HttpClient http, string name, string type, JsonObject configuration, bool validate)
    {
        var response = await SendAsync(http, HttpMethod.Post, "api/connections", new JsonObject
        {
            ["name"] = name,
            ["type"] = type,
            ["configuration"] = configuration.DeepClone(),
            ["validate"] = validate,
        });
        Assert.True(response.Status == HttpStatusCode.OK, response.Text);
        return response.Json!["data"]!["id"]!.GetValue<string>();
    }

    private async Task<string> CreateModelAsync(HttpClient http, string sourceId)
    {
        var response = await SendAsync(http, HttpMethod.Post, "api/models", new JsonObject
        {
            ["name"] = "rows",
            ["connection_id"] = sourceId,
            ["configuration"] = new JsonObject { ["table"] = "rows" },
        });
        Assert.True(response.Status == HttpStatusCode.OK, response.Text);
        return response.Json!["data"]!["id"]!.GetValue<string>();
    }

    private async Task<string> CreateSyncAsync(
        HttpClient http, string name, string modelId, string targetId, string targetObject, string mode, string? passphrase = null)
    {
        var body = new JsonObject
        {
            ["name"] = name,
            ["mode"] = mode,
            ["active"] = true,
            ["schedule"] = new JsonObject { ["frequency"] = "manual" },
            ["target"] = new JsonObject { ["connection_id"] = targetId, ["object"] = targetObject },
            ["identity"] = new JsonObject
            {
                ["source"] = new JsonObject { ["model_id"] = modelId, ["field"] = "id" },
                ["target"] = "id",
                ["function"] = "Equality",
            },
            ["fields"] = new JsonArray
            {
                new JsonObject { ["source"] = new JsonObject { ["model_id"] = modelId, ["field"] = "name" }, ["target"] = "name" },
            },
        };
        if (passphrase is not null)
        {
            body["encryption_passphrase"] = passphrase;
        }

        var response = await SendAsync(http, HttpMethod.Post, "api/syncs", body);
        Assert.True(response.Status == HttpStatusCode.OK, response.Text);
        var syncId = response.Json!["data"]!["id"]!.GetValue<string>();
        var update = await SendAsync(http, HttpMethod.Put, $"api/syncs/{syncId}", body);
        Assert.True(update.Status == HttpStatusCode.OK, update.Text);
        return syncId;
    }

    /// <summary>Sends a request and records the status line, every header and the body of its response.</summary>
    private async Task<(HttpStatusCode Status, string Text, JsonNode? Json)> SendAsync(
        HttpClient http, HttpMethod method, string path, JsonNode? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return await SendAsync(http, request);
    }

    private async Task<(HttpStatusCode Status, string Text, JsonNode? Json)> SendAsync(HttpClient http, HttpRequestMessage request)
    {
        var (method, path) = (request.Method, request.RequestUri);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var record = new StringBuilder($"{method} {path} -> {(int)response.StatusCode}\n");
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            record.Append(name).Append(": ").AppendJoin(", ", values).Append('\n');
        }

        _transcript.Add(record.Append(text).ToString());
        JsonNode? json = null;
        if (response.Content.Headers.ContentType?.MediaType == "application/json" && text.Length > 0)
        {
            json = JsonNode.Parse(text);
        }

        return (response.StatusCode, text, json);
    }

    private static JsonObject PostgresConfiguration(PostgresDatabase database, string role, string password)
    {
        var configuration = database.Configuration;
        configuration["username"] = role;
        configuration["password"] = password;
        return configuration;
    }

    /// <summary>Creates a login role whose password is the canary and gives it the target table <c>public.rows</c>.</summary>
    private static async Task<string> CreateCanaryRoleAsync(PostgresDatabase database)
    {
        var role = "canary_" + Suffix;
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"""
            CREATE ROLE {role} LOGIN PASSWORD '{PostgresPassword}';
            GRANT ALL ON SCHEMA public TO {role};
            CREATE TABLE public.rows (id bigint PRIMARY KEY, name varchar(12));
            ALTER TABLE public.rows OWNER TO {role};
            """,
            connection);
        await command.ExecuteNonQueryAsync();
        return role;
    }

    private static async Task WriteSourceAsync(string path)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "CREATE TABLE rows (id INTEGER PRIMARY KEY, name TEXT NOT NULL)";
        await command.ExecuteNonQueryAsync();
        command.CommandText = "INSERT INTO rows VALUES ($id, $name)";
        var id = command.Parameters.Add("$id", SqliteType.Integer);
        var name = command.Parameters.Add("$name", SqliteType.Text);
        for (var i = 1; i <= Rows; i++)
        {
            id.Value = i;
            name.Value = i % 10 == 0 ? LongName : $"row {i}";
            await command.ExecuteNonQueryAsync();
        }
    }
}
