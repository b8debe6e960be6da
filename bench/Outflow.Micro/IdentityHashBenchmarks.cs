using System.Globalization;
using BenchmarkDotNet.Attributes;
using Outflow.Engine.Rows;

namespace Outflow.Micro;

/// <summary>
/// <see cref="IdentityText.Hash"/>, which the model scan runs once per row on the row's identity text. Each operation
/// is one identity.
/// </summary>
[MemoryDiagnoser]
public class IdentityHashBenchmarks
{
    private const int IdentityCount = 1_000;

    private string[] _numericIdentities = [];
    private string[] _uuidIdentities = [];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(2);
        _numericIdentities = new string[IdentityCount];
        _uuidIdentities = new string[IdentityCount];
        var bytes = new byte[16];
        for (var i = 0; i < IdentityCount; i++)
        {
            _numericIdentities[i] = random.NextInt64(1, 10_000_000).ToString(CultureInfo.InvariantCulture);
            random.NextBytes(bytes);
            _uuidIdentities[i] = new Guid(bytes).ToString();
        }
    }

    /// <summary>Hashes the text of a bigint key of up to 7 digits, as a bigint identity column produces.</summary>
    [Benchmark(OperationsPerInvoke = IdentityCount)]
    public UInt128 HashNumericIdentity() => HashAll(_numericIdentities);

    /// <summary>Hashes a 36-character UUID text.</summary>
    [Benchmark(OperationsPerInvoke = IdentityCount)]
    public UInt128 HashUuidIdentity() => HashAll(_uuidIdentities);

    private static UInt128 HashAll(string[] identities)
    {
        UInt128 combined = 0;
        foreach (var identity in identities)
        {
            combined ^= IdentityText.Hash(identity);
        }

        return combined;
    }
}
