using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Outflow.Api.Errors;
using Outflow.Core.Connectors;
using Outflow.Core.Syncs;

namespace Outflow.Api.Syncs;

/// <summary>
/// A target table that a validated sync request requests with <c>target.new_name</c>: the table to create, the
/// connection to create it on and the description the request was validated against.
/// </summary>
internal sealed class NewTargetPlan
{
    public required IConnectorFactory Factory { get; init; }

    public required JsonObject ConnectionConfiguration { get; init; }

    public required ConnectorEnvironment Environment { get; init; }

    public required NewTargetObject Table { get; init; }

    /// <summary>The object id the table gets, such as <c>public.contacts</c> on PostgreSQL.</summary>
    public required string ObjectId { get; init; }

    /// <summary>The table as the request was validated against it, before it exists.</summary>
    public required TargetObjectInfo Preview { get; init; }

    /// <summary>
    /// Creates the table, then saves the configuration with <c>target.object</c> set to the new table's id and the
    /// creation requests (<c>new_name</c>, <c>create</c>, <c>new</c>, <c>new_field</c>) removed. When the
    /// table turns out unable to run the sync, or <paramref name="save"/> throws, it drops the table again and rethrows,
    /// so neither the store nor the target keeps half of the request.
    /// </summary>
    /// <returns>The configuration that was saved.</returns>
    /// <exception cref="ApiException">422 when the table exists already, could not be created, or cannot run the sync's mode.</exception>
    public async Task<SyncConfiguration> CreateThenSaveAsync(
        SyncConfiguration configuration, Func<SyncConfiguration, Task> save, ILogger logger, CancellationToken cancellationToken)
    {
        var target = configuration.Target!;
        await using var connector = Factory.CreateTarget(ConnectionConfiguration, Environment);
        TargetObjectInfo created;
        try
        {
            created = await connector.CreateObjectAsync(Table, cancellationToken);
        }
        catch (TargetObjectExistsException)
        {
            throw Exists(Table.Name, ObjectId);
        }
        catch (ConnectorException exception)
        {
            throw ApiException.Unprocessable(
                ApiErrorKeys.TargetCreationFailed,
                $"creating target object {ObjectId} failed: {exception.Message.TrimEnd('.')}. Check the column types and the "
                + "login's privileges, then try again",
                "target.new_name",
                Table.Name);
        }

        try
        {
            CheckCreated(configuration, created);
            // new and new_field described the creation, which is done, so a client that sends back the stored
            // configuration keeps the table instead of asking for new fields on it.
            var saved = configuration with
            {
                Target = target with { Object = created.Id, NewName = null, Create = null },
                Fields = configuration.Fields?.Select(field => field with { New = null }).ToList(),
                OverrideFields = configuration.OverrideFields?.Select(field => field with { New = null }).ToList(),
                Identity = configuration.Identity is null ? null : configuration.Identity with { NewField = null },
            };
            await save(saved);
            return saved;
        }
        catch (Exception exception)
        {
            Log.NewTargetDropping(logger, exception, created.Id);
            await DropAsync(connector, created.Id, logger);
            throw;
        }
    }

    public static ApiException Exists(string name, string objectId) => ApiException.Unprocessable(
        ApiErrorKeys.TargetObjectExists,
        $"target object {objectId} already exists: choose another target.new_name, or sync to the existing object with target.object",
        "target.new_name",
        name);

    /// <summary>
    /// Checks that the created table offers the sync's mode with the identity column as a key. A column type picked with
    /// <c>identity.remote_field_type_id</c> can make a key column that cannot match records, such as a PostgreSQL domain
    /// with a nondeterministic collation.
    /// </summary>
    private static void CheckCreated(SyncConfiguration configuration, TargetObjectInfo created)
    {
        var mode = configuration.Mode!.Value;
        if (!mode.RequiresIdentity())
        {
            return;
        }

        var identity = configuration.Identity!;
        var field = created.Fields.FirstOrDefault(f => string.Equals(f.Id, identity.Target, StringComparison.Ordinal));
        if (field is { SupportsIdentity: true } && created.Modes.Contains(mode))
        {
            return;
        }

        var reason = field?.IdentityProblem ?? "its type cannot be a key that matches records";
        var path = identity.RemoteFieldTypeId is null ? "identity.target" : "identity.remote_field_type_id";
        throw ApiException.Unprocessable(
            ApiErrorKeys.InvalidFieldType,
            $"the new table's column {identity.Target} cannot identify records because {reason}: "
            + "pick another identity.remote_field_type_id or another identity field",
            path,
            identity.RemoteFieldTypeId ?? identity.Target);
    }

    private static async Task DropAsync(ITargetConnector connector, string objectId, ILogger logger)
    {
        try
        {
            // Not the request's token: a request canceled after the table was created must still remove it.
            await connector.DropObjectAsync(objectId, CancellationToken.None);
        }
        catch (ConnectorException exception)
        {
            Log.NewTargetDropFailed(logger, exception, objectId);
        }
    }
}
