using System.Security.Cryptography;
using Outflow.Core.Security;

namespace Outflow.Hosting;

/// <summary>Loads the master key from the settings, or from (and on first start, into) the data directory.</summary>
internal static class MasterKeyLoader
{
    public const string FileName = "master.key";

    public static MasterKey Load(ServerSettings settings)
    {
        if (!string.IsNullOrWhiteSpace(settings.MasterKey))
        {
            return Parse(settings.MasterKey, "OUTFLOW_MASTER_KEY");
        }

        var path = Path.Combine(settings.ResolvedDataDirectory, FileName);
        if (File.Exists(path))
        {
            return Parse(File.ReadAllText(path).Trim(), path);
        }

        var value = RandomNumberGenerator.GetBytes(MasterKey.Length);
        Directory.CreateDirectory(settings.ResolvedDataDirectory);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            // Only the server's user may read the key that decrypts every stored secret.
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(path, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.WriteLine(Convert.ToBase64String(value));
        }

        return new MasterKey(value);
    }

    private static MasterKey Parse(string text, string source)
    {
        byte[] value;
        try
        {
            value = Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"the master key in {source} is not valid base64");
        }

        if (value.Length != MasterKey.Length)
        {
            throw new InvalidOperationException(
                $"the master key in {source} must decode to {MasterKey.Length} bytes, not {value.Length}");
        }

        return new MasterKey(value);
    }
}
