using System.Security.Cryptography;
using System.Text;
using Outflow.Core.Security;

namespace Outflow.Store;

/// <summary>
/// Encrypts secrets before they reach the database with AES-256-GCM under a key derived from the master key.
/// A blob is nonce (12 bytes) | tag (16 bytes) | ciphertext. The associated data names the column and the
/// row id, so a blob copied to another row or column fails to decrypt.
/// </summary>
internal sealed class SecretProtector
{
    private const int NonceSize = 12;
    private const int TagSize = 16;

    private readonly byte[] _key;

    public SecretProtector(MasterKey masterKey)
    {
        _key = masterKey.DeriveKey("store-encryption");
    }

    public byte[] Encrypt(string plaintext, string column, Guid rowId)
    {
        var plaintextBytes = Encoding.UTF8.GetBytes(plaintext);
        var blob = new byte[NonceSize + TagSize + plaintextBytes.Length];
        var nonce = blob.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(
            nonce,
            plaintextBytes,
            blob.AsSpan(NonceSize + TagSize),
            blob.AsSpan(NonceSize, TagSize),
            AssociatedData(column, rowId));
        return blob;
    }

    /// <exception cref="InvalidOperationException">The blob was altered, moved, or encrypted under another master key.</exception>
    public string Decrypt(byte[] blob, string column, Guid rowId)
    {
        if (blob.Length < NonceSize + TagSize)
        {
            throw DecryptionFailed(column, rowId, null);
        }

        var plaintext = new byte[blob.Length - NonceSize - TagSize];
        try
        {
            using var aes = new AesGcm(_key, TagSize);
            aes.Decrypt(
                blob.AsSpan(0, NonceSize),
                blob.AsSpan(NonceSize + TagSize),
                blob.AsSpan(NonceSize, TagSize),
                plaintext,
                AssociatedData(column, rowId));
        }
        catch (AuthenticationTagMismatchException ex)
        {
            throw DecryptionFailed(column, rowId, ex);
        }

        return Encoding.UTF8.GetString(plaintext);
    }

    private static byte[] AssociatedData(string column, Guid rowId) =>
        Encoding.UTF8.GetBytes(column + ":" + StoreValues.ToText(rowId));

    private static InvalidOperationException DecryptionFailed(string column, Guid rowId, Exception? inner) => new(
        $"Could not decrypt {column} of row {rowId}: the server's master key is not the one that encrypted it, "
        + "or the stored value was altered. Start the server with the original master key.",
        inner);
}
