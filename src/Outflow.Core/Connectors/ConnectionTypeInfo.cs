namespace Outflow.Core.Connectors;

/// <summary>What a connection type is called, which roles it can play and which configuration it takes.</summary>
public sealed record ConnectionTypeInfo(
    string Id,
    string Name,
    bool IsSource,
    bool IsTarget,
    IReadOnlyList<ConfigurationField> Configuration)
{
    /// <summary>
    /// The properties a new target object takes, or null when this type cannot create target objects. An empty list
    /// means it can create them from a name alone.
    /// </summary>
    public IReadOnlyList<TargetCreationProperty>? TargetCreation { get; init; }

    /// <summary>Whether syncs to this type take an <c>encryption_passphrase</c> to encrypt what they write; others get 422 for one.</summary>
    public bool AcceptsEncryptionPassphrase { get; init; }

    public bool IsSecret(string key) =>
        Configuration.Any(f => f.Secret && string.Equals(f.Name, key, StringComparison.Ordinal));
}
