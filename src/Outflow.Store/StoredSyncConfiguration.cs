using Outflow.Core.Syncs;

namespace Outflow.Store;

/// <summary>
/// A sync configuration split for storage: the JSON without <c>encryption_passphrase</c>, and the passphrase
/// encrypted in a column of its own. Syncs and execution snapshots both store configurations this way.
/// </summary>
internal sealed record StoredSyncConfiguration(string Json, byte[]? EncryptedPassphrase)
{
    public static StoredSyncConfiguration Protect(
        SyncConfiguration configuration, SecretProtector protector, string passphraseColumn, Guid rowId)
    {
        var json = StoreJson.Serialize(configuration with { EncryptionPassphrase = null });
        var passphrase = configuration.EncryptionPassphrase is null
            ? null
            : protector.Encrypt(configuration.EncryptionPassphrase, passphraseColumn, rowId);
        return new StoredSyncConfiguration(json, passphrase);
    }

    public static SyncConfiguration Unprotect(
        string json,
        byte[]? encryptedPassphrase,
        SecretProtector protector,
        string configurationColumn,
        string passphraseColumn,
        Guid rowId)
    {
        var configuration = StoreJson.Deserialize<SyncConfiguration>(json, configurationColumn);
        if (encryptedPassphrase is null)
        {
            return configuration;
        }

        return configuration with { EncryptionPassphrase = protector.Decrypt(encryptedPassphrase, passphraseColumn, rowId) };
    }
}
