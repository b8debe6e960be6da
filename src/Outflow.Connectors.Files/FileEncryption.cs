using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Outflow.Connectors.Files;

/// <summary>
/// The encrypted file format, which streams: a 28-byte header (the ASCII magic <c>OFLWENC1</c>, the PBKDF2 iteration
/// count as a big-endian uint32, a random 16-byte salt), then chunks of at most <see cref="MaxChunkLength"/> plaintext
/// bytes. Each chunk is its plaintext length (big-endian uint32), a random 12-byte nonce, the AES-256-GCM ciphertext and
/// the 16-byte tag. The associated data of chunk i is the header followed by i as a big-endian uint64, so chunks cannot
/// be reordered or moved to another file. The key is PBKDF2-HMAC-SHA256 of the UTF-8 passphrase and the salt.
/// </summary>
/// <remarks>NOTE: cutting a file after a whole chunk is not detected, because append mode adds chunks to the end.</remarks>
internal static class FileEncryption
{
    public const int Iterations = 600_000;

    public const int MaxChunkLength = 64 * 1024;

    public const int HeaderLength = 28;

    private const int NonceLength = 12;

    private const int TagLength = 16;

    private static readonly byte[] Magic = "OFLWENC1"u8.ToArray();

    /// <summary>Returns true when <paramref name="start"/>, the first bytes of a file, begin with the magic.</summary>
    public static bool HasMagic(ReadOnlySpan<byte> start) => start.StartsWith(Magic);

    /// <summary>Creates the header of a new file with a random salt.</summary>
    public static byte[] NewHeader()
    {
        var header = new byte[HeaderLength];
        Magic.CopyTo(header, 0);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(8), Iterations);
        RandomNumberGenerator.Fill(header.AsSpan(12, 16));
        return header;
    }

    public static byte[] DeriveKey(string passphrase, byte[] header)
    {
        var iterations = (int)BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(8));
        return Rfc2898DeriveBytes.Pbkdf2(
            Encoding.UTF8.GetBytes(passphrase), header.AsSpan(12, 16), iterations, HashAlgorithmName.SHA256, 32);
    }

    /// <summary>Reads and checks the header at the start of <paramref name="input"/>.</summary>
    /// <exception cref="InvalidDataException">The stream does not start with a header of this format.</exception>
    public static byte[] ReadHeader(Stream input)
    {
        var header = new byte[HeaderLength];
        input.ReadExactly(header);
        if (!HasMagic(header))
        {
            throw new InvalidDataException("the file does not start with the encrypted file header");
        }

        var iterations = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(8));
        if (iterations is 0 or > 10_000_000)
        {
            throw new InvalidDataException($"the encrypted file header has an invalid PBKDF2 iteration count {iterations}");
        }

        return header;
    }

    /// <summary>Encrypts <paramref name="plaintext"/> as chunks numbered from <paramref name="firstIndex"/>; returns the chunk count.</summary>
    public static long WriteChunks(Stream output, byte[] header, byte[] key, long firstIndex, ReadOnlySpan<byte> plaintext)
    {
        using var aes = new AesGcm(key, TagLength);
        var associated = NewAssociatedData(header);
        var index = firstIndex;
        var frame = new byte[4 + NonceLength + MaxChunkLength + TagLength];
        while (plaintext.Length > 0)
        {
            var length = Math.Min(plaintext.Length, MaxChunkLength);
            BinaryPrimitives.WriteUInt32BigEndian(frame, (uint)length);
            var nonce = frame.AsSpan(4, NonceLength);
            RandomNumberGenerator.Fill(nonce);
            BinaryPrimitives.WriteUInt64BigEndian(associated.AsSpan(HeaderLength), (ulong)index);
            aes.Encrypt(
                nonce,
                plaintext[..length],
                frame.AsSpan(4 + NonceLength, length),
                frame.AsSpan(4 + NonceLength + length, TagLength),
                associated);
            output.Write(frame, 0, 4 + NonceLength + length + TagLength);
            plaintext = plaintext[length..];
            index++;
        }

        return index - firstIndex;
    }

    /// <summary>Decrypts every chunk after the header into <paramref name="plaintext"/>; returns the chunk count.</summary>
    /// <exception cref="InvalidDataException">A chunk is cut short, or its tag does not match (wrong passphrase or changed file).</exception>
    public static long ReadChunks(Stream input, byte[] header, byte[] key, Stream plaintext)
    {
        using var aes = new AesGcm(key, TagLength);
        var associated = NewAssociatedData(header);
        var prefix = new byte[4 + NonceLength];
        var body = new byte[MaxChunkLength + TagLength];
        var clear = new byte[MaxChunkLength];
        long index = 0;
        while (true)
        {
            var read = input.ReadAtLeast(prefix, prefix.Length, throwOnEndOfStream: false);
            if (read == 0)
            {
                return index;
            }

            var length = read == prefix.Length ? BinaryPrimitives.ReadUInt32BigEndian(prefix) : 0;
            if (length is 0 or > MaxChunkLength
                || input.ReadAtLeast(body.AsSpan(0, (int)length + TagLength), (int)length + TagLength, throwOnEndOfStream: false) < length + TagLength)
            {
                throw new InvalidDataException($"encrypted chunk {index} is cut short or has an invalid length");
            }

            BinaryPrimitives.WriteUInt64BigEndian(associated.AsSpan(HeaderLength), (ulong)index);
            try
            {
                aes.Decrypt(
                    prefix.AsSpan(4, NonceLength),
                    body.AsSpan(0, (int)length),
                    body.AsSpan((int)length, TagLength),
                    clear.AsSpan(0, (int)length),
                    associated);
            }
            catch (AuthenticationTagMismatchException exception)
            {
                throw new InvalidDataException(
                    $"encrypted chunk {index} failed authentication: the passphrase is wrong or the file was changed", exception);
            }

            plaintext.Write(clear, 0, (int)length);
            index++;
        }
    }

    /// <summary>Counts the chunks after the header by their lengths, without decrypting them.</summary>
    /// <exception cref="InvalidDataException">The last chunk is cut short or a length is invalid.</exception>
    public static long CountChunks(Stream input)
    {
        var prefix = new byte[4];
        long index = 0;
        while (true)
        {
            var read = input.ReadAtLeast(prefix, prefix.Length, throwOnEndOfStream: false);
            if (read == 0)
            {
                return index;
            }

            var length = read == prefix.Length ? BinaryPrimitives.ReadUInt32BigEndian(prefix) : 0;
            var next = input.Position + NonceLength + length + TagLength;
            if (length is 0 or > MaxChunkLength || next > input.Length)
            {
                throw new InvalidDataException($"encrypted chunk {index} is cut short or has an invalid length");
            }

            input.Position = next;
            index++;
        }
    }

    private static byte[] NewAssociatedData(byte[] header)
    {
        var associated = new byte[HeaderLength + 8];
        header.CopyTo(associated, 0);
        return associated;
    }
}
