using System.CommandLine;
using System.Text.Json.Nodes;
using Outflow.Core.Organizations;

namespace Outflow.Commands;

internal static class KeysCommand
{
    public static Command Create()
    {
        var options = new ServerOptions();
        var organization = new Option<string>("--org")
        {
            Description = "The organization's name; it is created when it does not exist",
            Required = true,
        };
        organization.Validators.Add(result =>
        {
            if (string.IsNullOrWhiteSpace(result.GetValueOrDefault<string>()))
            {
                result.AddError("--org must name an organization, not an empty string");
            }
        });
        var name = new Option<string>("--name") { Description = "A name for the key", DefaultValueFactory = _ => "cli" };
        var kind = new Option<string>("--kind")
        {
            Description = "user (sent as Bearer) or organization (sent with HTTP Basic)",
            DefaultValueFactory = _ => "user",
        };
        kind.AcceptOnlyFromAmong("user", "organization");
        var json = new Option<bool>("--json") { Description = "Print the key with its organization, name and kind as JSON" };

        var create = new Command("create", "Create an API key for an organization and print it once");
        options.AddTo(create, withUrls: false);
        create.Options.Add(organization);
        create.Options.Add(name);
        create.Options.Add(kind);
        create.Options.Add(json);
        create.SetAction(async (parseResult, cancellationToken) =>
        {
            var settings = options.Load(parseResult);
            if (Hosting.StoreRegistration.MissingSqliteStore(settings) is { } newStore)
            {
                // A key in a new store does not authenticate with a server that runs on another data directory.
                await Console.Error.WriteLineAsync(
                    $"outflow: no store exists at {newStore}, so a new one is created there. If a server is running, pass " +
                    "its data directory with --data-dir (OUTFLOW_DATA_DIR), or the key will not work with it.");
            }

            await using var store = StoreAccess.Open(settings);
            await store.Maintenance.MigrateAsync(cancellationToken);
            var org = await store.Organizations.GetOrCreateOrganizationAsync(parseResult.GetRequiredValue(organization), cancellationToken);
            var key = ApiKeySecret.Generate();
            var keyKind = parseResult.GetValue(kind) == "organization" ? ApiKeyKind.Organization : ApiKeyKind.User;
            var keyName = parseResult.GetValue(name) ?? "cli";
            await store.Organizations.CreateApiKeyAsync(org.Id, keyName, keyKind, ApiKeySecret.Hash(key), cancellationToken);
            if (parseResult.GetValue(json))
            {
                Client.Output.WriteJson(new JsonObject
                {
                    ["key"] = key,
                    ["name"] = keyName,
                    ["kind"] = parseResult.GetValue(kind),
                    ["organization_id"] = org.Id,
                    ["organization_name"] = org.Name,
                });
            }
            else
            {
                Console.WriteLine(key);
            }

            return 0;
        });

        var command = new Command("keys", "Manage API keys");
        command.Subcommands.Add(create);
        return command;
    }
}
