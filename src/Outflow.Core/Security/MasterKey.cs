using System.Security.Cryptography;
using System.Text;

namespace Outflow.Core.Security;

/// <summary>
/// The server's 256-bit master key. Components never use it directly: each derives its own key for one
/// purpose with HKDF-SHA256, so a key used to sign page tokens cannot decrypt secrets.
/// </summary>
public sealed class MasterKey
{
    public const int Length = 32;

    private readonly byte[] _value;

    public MasterKey(byte[] value)
    {
        if (value.Length != Length)
        {
            throw new ArgumentException($"the master key must be {Length} bytes, got {value.Length}", nameof(value));
        }

        _value = value.ToArray();
    }

    /// <summary>Derives a 32-byte key for one purpose, e.g. <c>store-encryption</c> or <c>page-tokens</c>.</summary>
    public byte[] DeriveKey(string purpose) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, _value, Length, info: Encoding.UTF8.GetBytes("outflow:" + purpose));
}
