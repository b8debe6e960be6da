using Outflow.Engine.Scratch;

namespace Outflow.Engine.Tests.Scratch;

public sealed class RowFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("outflow-rows-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Read_returns_appended_rows()
    {
        var random = new Random(3);
        var rows = new List<StoredRow>();
        var path = Path.Combine(_directory, "rows");
        using (var file = new RowFile(path))
        {
            for (var i = 0; i < 5_000; i++)
            {
                // Sizes from empty to larger than a read window, and identities with multi-byte characters.
                var payload = new byte[i % 997 == 0 ? 100_000 : random.Next(0, 300)];
                random.NextBytes(payload);
                var row = new StoredRow((UInt128)random.NextInt64() << 64, $"id-{i}-é✓", (UInt128)i, payload);
                rows.Add(row);
                Assert.Equal(i + 1, file.Append(row.IdentityHash, row.Identity, row.RowHash, row.Payload));
            }

            Assert.Equal(rows.Count, file.Count);
            AssertRow(rows[0], file.Read(1));
            AssertRow(rows[^1], file.Read(rows.Count));

            // In order, as a first execution writes, then far apart and backwards, as a small change does.
            for (var number = 1; number <= rows.Count; number++)
            {
                AssertRow(rows[number - 1], file.Read(number));
            }

            for (var number = rows.Count; number >= 1; number -= 613)
            {
                AssertRow(rows[number - 1], file.Read(number));
            }
        }

        Assert.False(File.Exists(path));
        Assert.False(File.Exists(path + ".index"));
    }

    [Fact]
    public void Read_after_more_appends()
    {
        using var file = new RowFile(Path.Combine(_directory, "rows"));
        file.Append(1, "one", 11, [1]);
        Assert.Equal("one", file.Read(1).Identity);

        file.Append(2, "two", 22, [2, 2]);

        var second = file.Read(2);
        Assert.Equal("two", second.Identity);
        Assert.Equal([2, 2], second.Payload);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void Read_rejects_unknown_number(long number)
    {
        using var file = new RowFile(Path.Combine(_directory, "rows"));
        file.Append(1, "one", 11, [1]);

        Assert.Throws<ArgumentOutOfRangeException>(() => file.Read(number));
    }

    [Fact]
    public void Dispose_on_full_disk_closes_both_files()
    {
        // Writes to /dev/full (Linux) fail with ENOSPC, so the data file's last flush fails as on a full disk.
        var path = Path.Combine(_directory, "rows");
        File.CreateSymbolicLink(path, "/dev/full");
        var file = new RowFile(path);
        file.Append(1, "one", 11, [1]);

        Assert.Throws<IOException>(file.Dispose);

        Assert.False(File.Exists(path + ".index"));
        Assert.False(File.Exists(path));
        using var next = new RowFile(path);
        next.Append(1, "one", 11, [1]);
        Assert.Equal("one", next.Read(1).Identity);
    }

    private static void AssertRow(StoredRow expected, StoredRow actual)
    {
        Assert.Equal(expected.IdentityHash, actual.IdentityHash);
        Assert.Equal(expected.Identity, actual.Identity);
        Assert.Equal(expected.RowHash, actual.RowHash);
        Assert.Equal(expected.Payload, actual.Payload);
    }
}
