using System.CommandLine;
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

        var create = new Command("create", "Create an API key for an organization and print it once");
        options.AddTo(create, withUrls: false);
        create.Options.Add(organization);
        create.Options.Add(name);
        create.Options.Add(kind);
        create.SetAction(async (parseResult, cancellationToken) =>
        {
            await using var store = StoreAccess.Open(options.Load(parseResult));
            await store.Maintenance.MigrateAsync(cancellationToken);
            var org = await store.Organizations.GetOrCreateOrganizationAsync(parseResult.GetRequiredValue(organization), cancellationToken);
            var key = ApiKeySecret.Generate();
            var keyKind = parseResult.GetValue(kind) == "organization" ? ApiKeyKind.Organization : ApiKeyKind.User;
            await store.Organizations.CreateApiKeyAsync(
                org.Id, parseResult.GetValue(name) ?? "cli", keyKind, ApiKeySecret.Hash(key), cancellationToken);
            Console.WriteLine(key);
            return 0;
        });

        var command = new Command("keys", "Manage API keys");
        command.Subcommands.Add(create);
        return command;
    }
}
