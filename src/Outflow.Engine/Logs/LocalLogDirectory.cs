using System.Globalization;
using Microsoft.Win32.SafeHandles;
using Outflow.Core.Executions;

namespace Outflow.Engine.Logs;

/// <summary>
/// Lists and opens the record log files under <c>{logs directory}/{execution id}/</c>, where the engine writes
/// them. Only names of the form <c>{type}-{n:0000}.jsonl</c> with a known type count as log files.
/// </summary>
internal sealed class LocalLogDirectory(string logsDirectory)
{
    private const string Extension = ".jsonl";

    public async Task<IReadOnlyList<ExecutionLogFile>> ListAsync(Guid executionId, CancellationToken cancellationToken)
    {
        var files = new List<ExecutionLogFile>();
        foreach (var (type, path) in Find(executionId))
        {
            var (records, bytes) = await CountLinesAsync(path, cancellationToken).ConfigureAwait(false);
            files.Add(new ExecutionLogFile(type, Path.GetFileName(path), records, bytes));
        }

        return files;
    }

    public IReadOnlyList<string> ListNames(Guid executionId, string type) =>
        Find(executionId)
            .Where(file => string.Equals(file.Type, type, StringComparison.Ordinal))
            .Select(file => Path.GetFileName(file.Path))
            .ToList();

    public Stream? Open(Guid executionId, string name)
    {
        var match = Find(executionId).FirstOrDefault(file => string.Equals(Path.GetFileName(file.Path), name, StringComparison.Ordinal));
        if (match.Path is null)
        {
            return null;
        }

        FileStream stream;
        try
        {
            // The engine may still be appending, so the writer's handle must stay usable.
            stream = new FileStream(
                match.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 64 * 1024, useAsync: true);
        }
        catch (FileNotFoundException)
        {
            // A resumed execution deletes the errors and warnings files of its earlier attempt.
            return null;
        }

        try
        {
            // A running execution may have written part of a line, which the reader gets once it is complete.
            return new BoundedReadStream(stream, CompleteLinesLength(stream.SafeFileHandle, stream.Length));
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Returns the length of the file's first <paramref name="length"/> bytes up to and including the last newline.</summary>
    private static long CompleteLinesLength(SafeFileHandle handle, long length)
    {
        Span<byte> buffer = stackalloc byte[4096];
        var end = length;
        while (end > 0)
        {
            var start = Math.Max(0, end - buffer.Length);
            var chunk = buffer[..(int)(end - start)];
            var read = RandomAccess.Read(handle, chunk, start);
            var newline = chunk[..read].LastIndexOf((byte)'\n');
            if (newline >= 0)
            {
                return start + newline + 1;
            }

            end = start;
        }

        return 0;
    }

    private static async Task<(long Records, long Bytes)> CountLinesAsync(string path, CancellationToken cancellationToken)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 64 * 1024, useAsync: true);
        }
        catch (FileNotFoundException)
        {
            return (0, 0);
        }

        await using (stream.ConfigureAwait(false))
        {
            // Bytes count up to the last complete line, the part a download serves.
            var buffer = new byte[64 * 1024];
            long lines = 0;
            long offset = 0;
            long bytes = 0;
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                var span = buffer.AsSpan(0, read);
                lines += span.Count((byte)'\n');
                var last = span.LastIndexOf((byte)'\n');
                if (last >= 0)
                {
                    bytes = offset + last + 1;
                }

                offset += read;
            }

            return (lines, bytes);
        }
    }

    public IReadOnlyList<Guid> ListExecutionIds()
    {
        if (!Directory.Exists(logsDirectory))
        {
            return [];
        }

        // Only directories named exactly like an execution id, so nothing else in the directory is ever touched.
        return Directory.EnumerateDirectories(logsDirectory)
            .Select(Path.GetFileName)
            .Select(name => Guid.TryParseExact(name, "D", out var id) && string.Equals(id.ToString(), name, StringComparison.Ordinal) ? id : Guid.Empty)
            .Where(id => id != Guid.Empty)
            .ToList();
    }

    public void Delete(Guid executionId)
    {
        var directory = Path.Combine(logsDirectory, executionId.ToString());
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    /// <summary>Returns the execution's log files sorted by type order, then by file number.</summary>
    private List<(string Type, string Path)> Find(Guid executionId)
    {
        var directory = Path.Combine(logsDirectory, executionId.ToString());
        if (!Directory.Exists(directory))
        {
            return [];
        }

        var typeOrder = ExecutionLogTypes.All.ToList();
        var files = new List<(int TypeIndex, int Number, string Type, string Path)>();
        foreach (var path in Directory.EnumerateFiles(directory, "*" + Extension))
        {
            var name = Path.GetFileName(path);
            var dash = name.LastIndexOf('-');
            if (dash <= 0)
            {
                continue;
            }

            var type = name[..dash];
            var digits = name[(dash + 1)..^Extension.Length];
            var typeIndex = typeOrder.IndexOf(type);
            if (typeIndex < 0
                || digits.Length < 4
                || !int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                continue;
            }

            files.Add((typeIndex, number, type, path));
        }

        return files
            .OrderBy(file => file.TypeIndex)
            .ThenBy(file => file.Number)
            .Select(file => (file.Type, file.Path))
            .ToList();
    }
}
