using Outflow.Engine.Scratch;

namespace Outflow.Engine.Tests.Scratch;

public sealed class KeySorterTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("outflow-keys-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(KeySorter.RunLength)]
    [InlineData((3 * KeySorter.RunLength) + 17)]
    public void ReadSorted_returns_every_key_in_identity_then_row_hash_order(int count)
    {
        var random = new Random(count);
        var keys = new List<ScratchKey>(count);
        for (var i = 0; i < count; i++)
        {
            // Few distinct identities, so equal identity hashes meet across runs and the row hash and row number decide.
            var identity = (UInt128)random.Next(count / 3 + 1) << 64;
            keys.Add(new ScratchKey(i + 1, identity, (UInt128)random.Next(4)));
        }

        var path = Path.Combine(_directory, "keys");
        List<ScratchKey> sorted;
        using (var sorter = new KeySorter(path))
        {
            keys.ForEach(sorter.Add);
            sorted = sorter.ReadSorted().ToList();
        }

        var expected = keys.OrderBy(k => k.IdentityHash).ThenBy(k => k.RowHash).ThenBy(k => k.RowId).ToList();
        Assert.Equal(expected, sorted);
        Assert.False(File.Exists(path));
    }
}
