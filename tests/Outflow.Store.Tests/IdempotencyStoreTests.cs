using System.Security.Cryptography;
using System.Text;
using Outflow.Core.Idempotency;
using Outflow.Testing;

namespace Outflow.Store.Tests;

/// <summary>Runs on both back ends through the derived classes in Sqlite/ and PostgreSql/.</summary>
public abstract class IdempotencyStoreTests(PostgresFixture? postgres)
{
    private const int Attempts = 16;

    private static readonly DateTimeOffset Now = TestStore.BaseTime;

    [Fact]
    public async Task ClaimAsync_new_key_is_new()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var scope = await NewScopeAsync(store);
        var record = NewRecord();

        var claim = await ClaimAsync(store, scope, record);

        Assert.True(claim.IsNew);
        Assert.Equal(record.ClaimId, claim.Record.ClaimId);
        Assert.Null(claim.Record.Response);
        Assert.Equal("POST", claim.Record.Method);
        Assert.Equal("/api/connections", claim.Record.Path);
        Assert.Equal(record.RequestHash, claim.Record.RequestHash);
    }

    [Fact]
    public async Task ClaimAsync_key_in_flight_returns_first_claim()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var scope = await NewScopeAsync(store);
        var first = NewRecord();
        await ClaimAsync(store, scope, first);

        var second = await ClaimAsync(store, scope, NewRecord(body: "other"));

        Assert.False(second.IsNew);
        Assert.Equal(first.ClaimId, second.Record.ClaimId);
        Assert.Equal(first.RequestHash, second.Record.RequestHash);
        Assert.Null(second.Record.Response);
    }

    [Fact]
    public async Task ClaimAsync_completed_key_returns_response()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var scope = await NewScopeAsync(store);
        var first = NewRecord();
        await ClaimAsync(store, scope, first);
        var response = new IdempotentResponse(
            201, new Dictionary<string, string> { ["Content-Type"] = "application/json" }, Encoding.UTF8.GetBytes("""{"data":{}}"""));

        Assert.True(await store.Idempotency.CompleteAsync(scope, first.ClaimId, response, Now.AddHours(24), CancellationToken.None));
        var repeat = await ClaimAsync(store, scope, NewRecord());

        Assert.False(repeat.IsNew);
        Assert.NotNull(repeat.Record.Response);
        Assert.Equal(201, repeat.Record.Response.Status);
        Assert.Equal("application/json", repeat.Record.Response.Headers["Content-Type"]);
        Assert.Equal(response.Body, repeat.Record.Response.Body);
        Assert.Equal(Now.AddHours(24), repeat.Record.ExpiresAt);
    }

    [Fact]
    public async Task ReleaseAsync_lets_next_claim_win()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var scope = await NewScopeAsync(store);
        var first = NewRecord();
        await ClaimAsync(store, scope, first);

        await store.Idempotency.ReleaseAsync(scope, first.ClaimId, CancellationToken.None);
        var next = await ClaimAsync(store, scope, NewRecord());

        Assert.True(next.IsNew);
    }

    [Fact]
    public async Task ReleaseAsync_keeps_completed_response()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var scope = await NewScopeAsync(store);
        var first = NewRecord();
        await ClaimAsync(store, scope, first);
        await store.Idempotency.CompleteAsync(scope, first.ClaimId, OkResponse(), Now.AddHours(24), CancellationToken.None);

        await store.Idempotency.ReleaseAsync(scope, first.ClaimId, CancellationToken.None);

        Assert.False((await ClaimAsync(store, scope, NewRecord())).IsNew);
    }

    [Fact]
    public async Task ClaimAsync_after_expiry_is_new()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var scope = await NewScopeAsync(store);
        var first = NewRecord();
        await ClaimAsync(store, scope, first);
        await store.Idempotency.CompleteAsync(scope, first.ClaimId, OkResponse(), Now.AddHours(1), CancellationToken.None);

        var later = Now.AddHours(1);
        var next = await store.Idempotency.ClaimAsync(scope, NewRecord(), later, later.AddMinutes(5), CancellationToken.None);

        Assert.True(next.IsNew);
        Assert.Null(next.Record.Response);
    }

    [Fact]
    public async Task ClaimAsync_after_lease_end_takes_over()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var scope = await NewScopeAsync(store);
        var stale = NewRecord();
        await ClaimAsync(store, scope, stale);

        var later = Now.AddMinutes(5);
        var next = await store.Idempotency.ClaimAsync(scope, NewRecord(), later, later.AddMinutes(5), CancellationToken.None);

        Assert.True(next.IsNew);
        Assert.False(await store.Idempotency.CompleteAsync(scope, stale.ClaimId, OkResponse(), Now.AddHours(24), CancellationToken.None));
        Assert.True(await store.Idempotency.CompleteAsync(scope, next.Record.ClaimId, OkResponse(), Now.AddHours(24), CancellationToken.None));
    }

    [Fact]
    public async Task ClaimAsync_same_key_other_scopes_are_separate()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var scope = await NewScopeAsync(store);
        var otherOrganization = await NewScopeAsync(store);
        var otherApiKey = scope with { ApiKeyId = Guid.NewGuid() };

        Assert.True((await ClaimAsync(store, scope, NewRecord())).IsNew);
        Assert.True((await ClaimAsync(store, otherOrganization, NewRecord())).IsNew);
        Assert.True((await ClaimAsync(store, otherApiKey, NewRecord())).IsNew);
        Assert.Equal(3, await store.ScalarAsync("SELECT COUNT(*) FROM idempotency_keys"));
    }

    [Fact]
    public async Task ClaimAsync_from_two_instances_claims_once()
    {
        await using var first = await TestStore.CreateAsync(postgres);
        await using var second = first.OpenSecondInstance();
        var scope = await NewScopeAsync(first);

        var attempts = Enumerable.Range(0, Attempts).Select(i => Task.Run(() =>
            ClaimAsync(i % 2 == 0 ? first : second, scope, NewRecord())));
        var claims = await Task.WhenAll(attempts);

        var winner = Assert.Single(claims, claim => claim.IsNew);
        Assert.All(claims, claim => Assert.Equal(winner.Record.ClaimId, claim.Record.ClaimId));
        Assert.Equal(1, await first.ScalarAsync("SELECT COUNT(*) FROM idempotency_keys"));
    }

    [Fact]
    public async Task DeleteExpiredAsync_deletes_only_expired()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var scope = await NewScopeAsync(store);
        var expiring = NewRecord();
        await ClaimAsync(store, scope, expiring);
        await store.Idempotency.CompleteAsync(scope, expiring.ClaimId, OkResponse(), Now.AddHours(1), CancellationToken.None);
        var kept = scope with { Key = "another-key-0002" };
        await ClaimAsync(store, kept, NewRecord());

        var deleted = await store.Idempotency.DeleteExpiredAsync(Now.AddHours(2), CancellationToken.None);

        Assert.Equal(1, deleted);
        Assert.Equal(1, await store.ScalarAsync("SELECT COUNT(*) FROM idempotency_keys"));
        Assert.False((await ClaimAsync(store, kept, NewRecord())).IsNew);
    }

    private static async Task<IdempotencyScope> NewScopeAsync(TestStore store)
    {
        var organization = await store.CreateOrganizationAsync();
        return new IdempotencyScope(organization.Id, Guid.NewGuid(), "key-0001-abcdefgh");
    }

    /// <summary>A claim that expires in 24 hours; its lease ends 5 minutes after <see cref="Now"/>.</summary>
    private static Task<IdempotencyClaim> ClaimAsync(TestStore store, IdempotencyScope scope, IdempotencyRecord record) =>
        store.Idempotency.ClaimAsync(scope, record, Now, Now.AddMinutes(5), CancellationToken.None);

    private static IdempotencyRecord NewRecord(string body = "{}") => new()
    {
        ClaimId = Guid.NewGuid(),
        Method = "POST",
        Path = "/api/connections",
        RequestHash = SHA256.HashData(Encoding.UTF8.GetBytes(body)),
        ExpiresAt = Now.AddHours(24),
    };

    private static IdempotentResponse OkResponse() =>
        new(200, new Dictionary<string, string>(), Encoding.UTF8.GetBytes("""{"data":{}}"""));
}
