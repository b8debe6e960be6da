using Dapper;
using Outflow.Core.Organizations;
using Outflow.Store.Rows;

namespace Outflow.Store;

internal sealed class OrganizationStore : IOrganizationStore
{
    private const string KindUser = "user";
    private const string KindOrganization = "organization";

    private readonly IStoreDatabase _database;
    private readonly TimeProvider _timeProvider;

    public OrganizationStore(IStoreDatabase database, TimeProvider timeProvider)
    {
        _database = database;
        _timeProvider = timeProvider;
    }

    public async Task<bool> IsEmptyAsync(CancellationToken cancellationToken)
    {
        using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var any = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM (SELECT 1 FROM organizations LIMIT 1) AS one",
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return any == 0;
    }

    public async Task<Organization> GetOrCreateOrganizationAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        using var connection = await _database.OpenWriteAsync(cancellationToken).ConfigureAwait(false);
        using var transaction = await _database.BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);

        // ON CONFLICT makes a concurrent creator of the same name, in any process, wait for the first and
        // then insert nothing, instead of failing on the unique name. The SELECT then reads the winner's row.
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO organizations (id, name, created_at) VALUES (@Id, @Name, @CreatedAt) ON CONFLICT (name) DO NOTHING",
            new
            {
                Id = StoreValues.ToText(Guid.NewGuid()),
                Name = name,
                CreatedAt = StoreValues.ToUnixMilliseconds(_timeProvider.GetUtcNow()),
            },
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        var row = await connection.QuerySingleAsync<OrganizationRow>(new CommandDefinition(
            "SELECT id AS Id, name AS Name, created_at AS CreatedAt FROM organizations WHERE name = @Name",
            new { Name = name },
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new Organization(StoreValues.ToGuid(row.Id), row.Name, StoreValues.ToInstant(row.CreatedAt));
    }

    public async Task<Guid> CreateApiKeyAsync(
        Guid organizationId, string name, ApiKeyKind kind, byte[] keyHash, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(keyHash);
        var id = Guid.NewGuid();
        using var connection = await _database.OpenWriteAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO api_keys (id, organization_id, name, kind, key_hash, created_at)
            VALUES (@Id, @OrganizationId, @Name, @Kind, @KeyHash, @CreatedAt)
            """,
            new
            {
                Id = StoreValues.ToText(id),
                OrganizationId = StoreValues.ToText(organizationId),
                Name = name,
                Kind = kind == ApiKeyKind.Organization ? KindOrganization : KindUser,
                KeyHash = keyHash,
                CreatedAt = StoreValues.ToUnixMilliseconds(_timeProvider.GetUtcNow()),
            },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return id;
    }

    public async Task<ApiPrincipal?> FindByKeyHashAsync(byte[] keyHash, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keyHash);
        using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await connection.QuerySingleOrDefaultAsync<ApiKeyPrincipalRow>(new CommandDefinition(
            """
            SELECT k.id AS KeyId, k.name AS KeyName, k.kind AS Kind,
                   o.id AS OrganizationId, o.name AS OrganizationName, o.created_at AS OrganizationCreatedAt
            FROM api_keys k
            JOIN organizations o ON o.id = k.organization_id
            WHERE k.key_hash = @KeyHash AND k.revoked_at IS NULL
            """,
            new { KeyHash = keyHash },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (row is null)
        {
            return null;
        }

        var organization = new Organization(
            StoreValues.ToGuid(row.OrganizationId), row.OrganizationName, StoreValues.ToInstant(row.OrganizationCreatedAt));
        var kind = string.Equals(row.Kind, KindOrganization, StringComparison.Ordinal) ? ApiKeyKind.Organization : ApiKeyKind.User;
        return new ApiPrincipal(StoreValues.ToGuid(row.KeyId), row.KeyName, kind, organization);
    }
}
