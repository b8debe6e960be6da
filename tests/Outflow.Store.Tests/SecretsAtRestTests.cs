using System.Security.Cryptography;
using System.Text;
using Outflow.Core.Executions;
using Outflow.Testing;

namespace Outflow.Store.Tests;

/// <summary>Runs on both back ends through the derived classes in Sqlite/ and PostgreSql/.</summary>
public abstract class SecretsAtRestTests(PostgresFixture? postgres)
{
    private const string PasswordCanary = "canary-password-7f3a9c1e";
    private const string PassphraseCanary = "canary-passphrase-b82d40aa";
    private const string NameCanary = "canary-name-5e61c0d2";

    [Fact]
    public async Task Stored_data_contains_no_planted_secret()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var organization = await store.CreateOrganizationAsync();
        var connection = await store.AddConnectionAsync(organization.Id, NameCanary, PasswordCanary);
        var model = await store.AddModelAsync(organization.Id, connection.Id);
        var sync = await store.AddSyncAsync(organization.Id, connection.Id, model.Id, passphrase: PassphraseCanary);
        await store.Executions.CreateIfIdleAsync(TestStore.NewExecution(sync, TestStore.BaseTime), CancellationToken.None);

        var bytes = await store.ReadAllStoredBytesAsync();

        // The name is stored in clear text, which shows that the bytes read are the stored rows.
        Assert.True(Contains(bytes, NameCanary), "the connection name was not found in the stored data");
        Assert.False(Contains(bytes, PasswordCanary), "the connection password is stored in clear text");
        Assert.False(Contains(bytes, PassphraseCanary), "the encryption passphrase is stored in clear text");
    }

    [Fact]
    public async Task Secrets_round_trip_through_store()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var organization = await store.CreateOrganizationAsync();
        var connection = await store.AddConnectionAsync(organization.Id, password: PasswordCanary);
        var model = await store.AddModelAsync(organization.Id, connection.Id);
        var sync = await store.AddSyncAsync(organization.Id, connection.Id, model.Id, passphrase: PassphraseCanary);
        var (execution, _) = await store.Executions.CreateIfIdleAsync(
            TestStore.NewExecution(sync, TestStore.BaseTime), CancellationToken.None);

        var storedConnection = await store.Connections.GetAsync(organization.Id, connection.Id, CancellationToken.None);
        var storedSync = await store.Syncs.GetAsync(organization.Id, sync.Id, CancellationToken.None);
        var storedExecution = await store.Executions.GetByIdAsync(execution.Id, CancellationToken.None);

        Assert.Equal(PasswordCanary, (string?)storedConnection!.Configuration["password"]);
        Assert.Equal(connection.Configuration.ToJsonString(), storedConnection.Configuration.ToJsonString());
        Assert.Equal(PassphraseCanary, storedSync!.Configuration.EncryptionPassphrase);
        Assert.Equal(PassphraseCanary, storedExecution!.Configuration.EncryptionPassphrase);
    }

    [Fact]
    public async Task Configuration_moved_to_another_row_fails_to_decrypt()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var organization = await store.CreateOrganizationAsync();
        var first = await store.AddConnectionAsync(organization.Id, "first", PasswordCanary);
        var second = await store.AddConnectionAsync(organization.Id, "second", "other");

        await store.ExecuteAsync(
            $"UPDATE connections SET configuration = (SELECT configuration FROM connections WHERE id = '{first.Id}') "
            + $"WHERE id = '{second.Id}'");

        await Assert.ThrowsAsync<InvalidOperationException>(
            () => store.Connections.GetAsync(organization.Id, second.Id, CancellationToken.None));
    }

    [Fact]
    public async Task Other_master_key_fails_to_decrypt()
    {
        var store = await TestStore.CreateAsync(postgres);
        await using var cleanup = store;
        var organization = await store.CreateOrganizationAsync();
        var connection = await store.AddConnectionAsync(organization.Id, password: PasswordCanary);

        await using var reopened = store.ReopenWithMasterKey(RandomNumberGenerator.GetBytes(32));
        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => reopened.Connections.GetAsync(organization.Id, connection.Id, CancellationToken.None));

        Assert.Contains("master key", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(PasswordCanary, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Execution_snapshot_without_passphrase_stores_null()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var (_, _, _, sync) = await store.AddSyncWithParentsAsync();
        await store.Executions.CreateIfIdleAsync(TestStore.NewExecution(sync, TestStore.BaseTime), CancellationToken.None);

        Assert.Equal(1, await store.ScalarAsync("SELECT COUNT(*) FROM executions WHERE encryption_passphrase IS NULL"));
        Assert.Equal(1, await store.ScalarAsync("SELECT COUNT(*) FROM syncs WHERE encryption_passphrase IS NULL"));
        Assert.Equal(ExecutionStatus.Created, (await store.Executions.GetCurrentAsync(
            sync.OrganizationId, sync.Id, CancellationToken.None))!.Status);
    }

    private static bool Contains(byte[] haystack, string needle) =>
        haystack.AsSpan().IndexOf(Encoding.UTF8.GetBytes(needle)) >= 0;
}
