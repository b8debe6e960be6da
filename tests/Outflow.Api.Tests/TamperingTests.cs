using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Outflow.Api.Logs;
using Outflow.Api.Tests.Fuzzing;
using Outflow.Core.Executions;
using Outflow.Core.Security;
using Outflow.Core.Syncs;

namespace Outflow.Api.Tests;

/// <summary>
/// Sends altered, truncated, foreign, expired and garbage page tokens and log download tokens. docs/API.md promises
/// 400 invalid_page_token for a bad page token and 403 for a bad download token, so none may get a 5xx, a 200 or
/// another list's data.
/// </summary>
public sealed class TamperingTests(ApiServerFixture server) : IClassFixture<ApiServerFixture>
{
    private const string Base64UrlAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    /// <summary>The page size of List Executions, which takes no limit, so a sync needs 51 executions for a second page.</summary>
    private const int ExecutionPageSize = 50;

    private static readonly string[] GarbageTokens =
    [
        " ",
        "A",
        "AA",
        "AAAA",
        "====",
        "null",
        "{}",
        "\u00fc\u00f1\u00ee\u00e7\u00f8d\u00e9",
        "\0",
        "%00",
        "token with spaces",
        new string('A', 43),
        new string('A', 44),
        new string('_', 300),
        new string('A', 4000),
        Base64Url.EncodeToString(new byte[32]),
        Base64Url.EncodeToString(new byte[33]),
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes("{\"k\":\"syncs\"}").Concat(new byte[32]).ToArray()),
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(120)),
    ];

    [Fact]
    public async Task Altered_page_tokens_return_400()
    {
        var organization = await CreateOrganizationListsAsync();

        foreach (var list in organization.TokenLists)
        {
            var token = await FirstPageTokenAsync(organization.Client, list);
            foreach (var (name, altered) in Alterations(token))
            {
                await AssertPageTokenRejectedAsync(organization.Client, list, altered, $"{name} of a token of {list}");
            }
        }
    }

    [Fact]
    public async Task Truncated_page_tokens_return_400()
    {
        var organization = await CreateOrganizationListsAsync();

        foreach (var list in organization.TokenLists)
        {
            var token = await FirstPageTokenAsync(organization.Client, list);

            // The empty prefix is left out because an empty page_token means no token and returns the first page.
            for (var length = 1; length < token.Length; length++)
            {
                await AssertPageTokenRejectedAsync(organization.Client, list, token[..length], $"first {length} characters of a token of {list}");
            }

            foreach (var (name, extended) in Extensions(token))
            {
                await AssertPageTokenRejectedAsync(organization.Client, list, extended, $"{name} of a token of {list}");
            }
        }
    }

    [Fact]
    public async Task Foreign_page_tokens_return_400()
    {
        var owner = await CreateOrganizationListsAsync();
        var (_, otherClient) = await server.CreateOrganizationAsync();
        using (otherClient)
        {
            var other = await CreateOrganizationListsAsync(otherClient);

            // Each token is valid only for the list, organization, sync and filters it was issued for.
            var tokens = new List<(OrganizationLists Issuer, string List, string Token)>();
            foreach (var organization in new[] { owner, other })
            {
                foreach (var list in organization.TokenLists)
                {
                    tokens.Add((organization, list, await FirstPageTokenAsync(organization.Client, list)));
                }
            }

            foreach (var organization in new[] { owner, other })
            {
                foreach (var list in organization.AllLists)
                {
                    foreach (var (issuer, issuedFor, token) in tokens.Where(token => token.Issuer != organization || token.List != list))
                    {
                        var origin = issuer == organization ? "this organization" : "another organization";
                        await AssertPageTokenRejectedAsync(organization.Client, list, token, $"a token of {issuedFor} from {origin}");
                    }
                }
            }

            // The same tokens still work where they were issued, so the rejections above come from the scope alone.
            foreach (var (issuer, list, token) in tokens)
            {
                var response = await issuer.Client.GetAsync(WithPageToken(list, token));
                Assert.True(response.Status == HttpStatusCode.OK, $"{list}: {response.Text}");
            }
        }
    }

    [Fact]
    public async Task Garbage_page_tokens_return_400()
    {
        var organization = await CreateOrganizationListsAsync();

        foreach (var list in organization.AllLists)
        {
            foreach (var garbage in GarbageTokens)
            {
                await AssertPageTokenRejectedAsync(organization.Client, list, garbage, $"garbage {Describe(garbage)}");
            }
        }
    }

    [Fact]
    public async Task Altered_download_tokens_return_403()
    {
        var (_, token) = await CreateDownloadTokenAsync(server.Client);
        Assert.Equal(HttpStatusCode.OK, (await DownloadAsync(token)).Status);

        foreach (var (name, altered) in Alterations(token))
        {
            await AssertDownloadRejectedAsync(altered, "invalid_download_token", name);
        }
    }

    [Fact]
    public async Task Truncated_download_tokens_return_403()
    {
        var (_, token) = await CreateDownloadTokenAsync(server.Client);

        // The empty prefix is left out because /api/logs/download/ matches no route and gets 404.
        for (var length = 1; length < token.Length; length++)
        {
            await AssertDownloadRejectedAsync(token[..length], "invalid_download_token", $"first {length} characters");
        }

        foreach (var (name, extended) in Extensions(token))
        {
            await AssertDownloadRejectedAsync(extended, "invalid_download_token", name);
        }
    }

    [Fact]
    public async Task Foreign_download_tokens_return_403()
    {
        var (grant, token) = await CreateDownloadTokenAsync(server.Client);
        var (_, otherSyncToken) = await CreateDownloadTokenAsync(server.Client);
        var (_, otherClient) = await server.CreateOrganizationAsync();
        string otherOrganizationToken;
        using (otherClient)
        {
            (_, otherOrganizationToken) = await CreateDownloadTokenAsync(otherClient);
        }

        // The MAC is the last 32 bytes. A payload with another token's MAC must not verify in either direction.
        var spliced = new Dictionary<string, string>
        {
            ["payload with the MAC of another sync's token"] = Splice(token, otherSyncToken),
            ["another sync's payload with this token's MAC"] = Splice(otherSyncToken, token),
            ["payload with the MAC of another organization's token"] = Splice(token, otherOrganizationToken),
            ["another organization's payload with this token's MAC"] = Splice(otherOrganizationToken, token),
        };
        foreach (var (name, candidate) in spliced)
        {
            await AssertDownloadRejectedAsync(candidate, "invalid_download_token", name);
        }

        // The same grant signed now with this server's key downloads, so the signature or the expiry alone rejects the
        // two tokens below.
        var masterKey = server.GetService<MasterKey>();
        var current = new LogDownloadTokenCodec(masterKey, TimeProvider.System, new LogDownloadOptions());
        var unexpired = grant with { Expires = current.NextExpiry() };
        Assert.Equal(HttpStatusCode.OK, (await DownloadAsync(current.Create(unexpired))).Status);

        var otherServer = new LogDownloadTokenCodec(new MasterKey(RandomNumberGenerator.GetBytes(MasterKey.Length)), TimeProvider.System, new LogDownloadOptions());
        await AssertDownloadRejectedAsync(otherServer.Create(unexpired), "invalid_download_token", "the same grant signed with another master key");

        // Signed with this server's key an hour ago, so it expired 45 minutes ago.
        var hourAgo = new LogDownloadTokenCodec(masterKey, new FixedTimeProvider(TimeProvider.System.GetUtcNow().AddHours(-1)), new LogDownloadOptions());
        await AssertDownloadRejectedAsync(hourAgo.Create(grant with { Expires = hourAgo.NextExpiry() }), "download_expired", "expired token");

        foreach (var garbage in GarbageTokens)
        {
            // Kestrel rejects a %00 in the path before routing, with the documented 400 malformed_request.
            if (garbage.Contains('\0', StringComparison.Ordinal))
            {
                await AssertDownloadRejectedAsync(garbage, "malformed_request", $"garbage {Describe(garbage)}", HttpStatusCode.BadRequest);
            }
            else
            {
                await AssertDownloadRejectedAsync(garbage, "invalid_download_token", $"garbage {Describe(garbage)}");
            }
        }
    }

    /// <summary>
    /// Returns <paramref name="token"/> with each character in turn changed to the next one of the base64url alphabet, and
    /// with each decoded byte in turn changed by one flipped bit and by all bits flipped.
    /// </summary>
    private static IEnumerable<(string Name, string Token)> Alterations(string token)
    {
        for (var i = 0; i < token.Length; i++)
        {
            var next = Base64UrlAlphabet[(Base64UrlAlphabet.IndexOf(token[i], StringComparison.Ordinal) + 1) % Base64UrlAlphabet.Length];
            yield return ($"character {i} changed to {next}", token[..i] + next + token[(i + 1)..]);
        }

        var bytes = Base64Url.DecodeFromChars(token);
        for (var i = 0; i < bytes.Length; i++)
        {
            foreach (var mask in new[] { (byte)(1 << (i % 8)), (byte)0xFF })
            {
                var altered = (byte[])bytes.Clone();
                altered[i] ^= mask;
                yield return ($"byte {i} XOR 0x{mask:X2}", Base64Url.EncodeToString(altered));
            }
        }
    }

    /// <summary>Returns <paramref name="token"/> with characters or padding appended, or written in standard base64.</summary>
    private static IEnumerable<(string Name, string Token)> Extensions(string token)
    {
        yield return ("one character appended", token + "A");
        yield return ("four characters appended", token + "AAAA");
        yield return ("padding appended", token + "=");
        yield return ("double padding appended", token + "==");
        yield return ("token repeated", token + token);
        var standard = token.Replace('-', '+').Replace('_', '/');
        if (standard != token)
        {
            yield return ("standard base64 alphabet", standard);
        }

        yield return ("space inserted", token[..8] + " " + token[8..]);
    }

    private static string Splice(string payloadToken, string macToken)
    {
        var payload = Base64Url.DecodeFromChars(payloadToken);
        var mac = Base64Url.DecodeFromChars(macToken);
        return Base64Url.EncodeToString(payload[..^32].Concat(mac[^32..]).ToArray());
    }

    /// <summary>Returns a value as a JSON string, so control characters show, or its length and start when it is long.</summary>
    private static string Describe(string value) =>
        value.Length > 50 ? $"of {value.Length} characters starting {value[..20]}" : JsonValue.Create(value).ToJsonString();

    private static string WithPageToken(string list, string token) =>
        $"{list}{(list.Contains('?', StringComparison.Ordinal) ? '&' : '?')}page_token={Uri.EscapeDataString(token)}";

    private static async Task<string> FirstPageTokenAsync(ApiClient client, string list)
    {
        var response = await client.GetAsync(list);
        Assert.True(response.Status == HttpStatusCode.OK, $"{list}: {response.Text}");
        var token = response.Body!["pagination"]?["next_page_token"]?.GetValue<string>();
        Assert.True(token is not null, $"{list} has one page only: {response.Text}");
        return token;
    }

    private static async Task AssertPageTokenRejectedAsync(ApiClient client, string list, string token, string name)
    {
        var response = await client.GetAsync(WithPageToken(list, token));
        Assert.True(response.Status == HttpStatusCode.BadRequest, $"{list} with {name}: {(int)response.Status} {response.Text}");
        Assert.True(response.ErrorKey == "invalid_page_token", $"{list} with {name}: {response.Text}");
        Assert.True(response.ErrorField == "page_token", $"{list} with {name}: {response.Text}");
        Assert.Null(response.Body?["data"]);
    }

    private async Task AssertDownloadRejectedAsync(
        string token, string key, string name, HttpStatusCode expectedStatus = HttpStatusCode.Forbidden)
    {
        var (status, text) = await DownloadAsync(token);
        Assert.True(status == expectedStatus, $"{name}: {(int)status} {text}");
        var body = JsonNode.Parse(text);
        Assert.True(body?["key"]?.GetValue<string>() == key, $"{name}: {text}");
        Assert.Null(body?["data"]);
    }

    /// <summary>
    /// Downloads a log file by token without an Authorization header. <see cref="RawHttpClient"/> sends the escaped token
    /// byte for byte, so no client-side URL normalization changes what the server receives.
    /// </summary>
    private async Task<(HttpStatusCode Status, string Text)> DownloadAsync(string token)
    {
        var raw = new RawHttpClient(server.Server.BaseAddress);
        var response = await raw.SendAsync(new RawRequest("GET", "/api/logs/download/" + Uri.EscapeDataString(token), [], null));
        return ((HttpStatusCode)response.Status, response.Body);
    }

    /// <summary>
    /// Creates two syncs with their models, and 51 executions of the first sync, so that every paged list of the
    /// organization has a second page at limit 1.
    /// </summary>
    private async Task<OrganizationLists> CreateOrganizationListsAsync(ApiClient? client = null)
    {
        client ??= server.Client;
        var first = await TestObjects.CreateSyncAsync(server, client, active: true);
        var second = await TestObjects.CreateSyncAsync(server, client, active: true);
        await AddFinishedExecutionsAsync(client, first.SyncId, ExecutionPageSize + 1);

        string[] tokenLists =
        [
            "/api/models?limit=1",
            "/api/syncs?limit=1",
            "/api/syncs?limit=1&active=true",
            $"/api/syncs/{first.SyncId}/executions",
            $"/api/syncs/{first.SyncId}/executions?ascending=true",
            $"/api/syncs/{first.SyncId}/executions?only_completed=true",
        ];
        return new OrganizationLists(client, tokenLists, [.. tokenLists, $"/api/syncs/{second.SyncId}/executions"]);
    }

    private async Task AddFinishedExecutionsAsync(ApiClient client, string syncId, int count)
    {
        var organizationId = Guid.Parse((await client.GetAsync("/api/me")).Data["organization_id"]!.GetValue<string>());
        var sync = (await server.GetService<ISyncStore>().GetAsync(organizationId, Guid.Parse(syncId), CancellationToken.None))!;
        var executions = server.GetService<IExecutionStore>();
        var start = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
        for (var i = 0; i < count; i++)
        {
            var execution = new Execution
            {
                Id = Guid.NewGuid(),
                OrganizationId = organizationId,
                SyncId = sync.Id,
                Status = ExecutionStatus.Queued,
                Type = ExecutionTypes.Manual,
                CreatedAt = start.AddSeconds(i),
                Configuration = sync.Configuration,
            };
            var (_, created) = await executions.CreateIfIdleAsync(execution, CancellationToken.None);
            Assert.True(created);
            await executions.FinishAsync(execution.Id, null, ExecutionStatus.Completed, [], start.AddSeconds(i).AddMilliseconds(500), CancellationToken.None);
        }
    }

    /// <summary>Runs a new sync and returns the grant and token of the signed URL of its first log file.</summary>
    private async Task<(LogDownloadToken Grant, string Token)> CreateDownloadTokenAsync(ApiClient client)
    {
        var setup = await TestObjects.CreateSyncAsync(server, client, active: true);
        var executionId = await TestObjects.RunSyncAsync(client, setup.SyncId);
        var index = await client.GetAsync($"/api/syncs/{setup.SyncId}/executions/{executionId}/logs");
        Assert.True(index.Status == HttpStatusCode.OK, index.Text);
        var file = index.Data["files"]!.AsArray().First()!;
        var type = file["type"]!.GetValue<string>();
        var name = file["name"]!.GetValue<string>();

        var urls = await client.GetAsync($"/api/syncs/{setup.SyncId}/executions/{executionId}/{type}/{name}");
        Assert.True(urls.Status == HttpStatusCode.OK, urls.Text);
        var url = urls.Data["urls"]![0]!.GetValue<string>();
        var organizationId = Guid.Parse((await client.GetAsync("/api/me")).Data["organization_id"]!.GetValue<string>());
        var grant = new LogDownloadToken(organizationId, Guid.Parse(setup.SyncId), Guid.Parse(executionId), type, name, DateTimeOffset.UnixEpoch);
        return (grant, url[(url.LastIndexOf('/') + 1)..]);
    }

    /// <summary>An organization's key, the lists that return a page token, and those plus a list with one page.</summary>
    private sealed record OrganizationLists(ApiClient Client, IReadOnlyList<string> TokenLists, IReadOnlyList<string> AllLists);

    /// <summary>A clock that stays at one instant.</summary>
    private sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
