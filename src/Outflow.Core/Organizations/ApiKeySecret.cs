using System.Security.Cryptography;
using System.Text;

namespace Outflow.Core.Organizations;

/// <summary>
/// Generates API keys and computes the SHA-256 hash that is the only form the store keeps.
/// </summary>
public static class ApiKeySecret
{
    /// <summary>Generates a random key: 32 bytes from the system CSPRNG, base64url without padding.</summary>
    public static string Generate()
    {
        Span<byte> bytes = stackalloc byte[32];
        RandomNumberGenerator.Fill(bytes);
        return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    public static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
