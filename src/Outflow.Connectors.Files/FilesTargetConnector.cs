using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Outflow.Core.Connectors;
using Outflow.Core.Syncs;

namespace Outflow.Connectors.Files;

/// <summary>
/// Writes records to files of one directory. Batches of <see cref="RecordOperation.Append"/> records are added to the
/// end of the file (append mode), or of a file named after the execution when they carry the snapshot columns
/// (snapshot mode). Batches that match records by identity (replace mode) rewrite the whole file through a temporary
/// file and a rename, so a reader sees either the old or the new file, never a partial one.
/// </summary>
/// <remarks>
/// NOTE: writes to one file are serialized only within this process; two servers writing the same file can lose
/// records.
/// </remarks>
internal sealed class FilesTargetConnector(FilesSettings settings, ILogger logger) : ITargetConnector
{
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> FileLocks = new(StringComparer.Ordinal);

    private static readonly IReadOnlyList<SyncMode> Modes = [SyncMode.Append, SyncMode.Snapshot, SyncMode.Replace];

    private readonly FileStorage _storage = new(settings);

    public Task<IReadOnlyList<TargetObjectInfo>> ListObjectsAsync(CancellationToken cancellationToken)
    {
        var directory = settings.ResolveDirectory();
        var names = Directory.EnumerateFiles(directory, "*" + settings.Format.Extension())
            .Select(Path.GetFileName)
            .OfType<string>()
            .Where(name => CheckName(name) is null)
            .Order(StringComparer.Ordinal)
            .ToList();
        var objects = new List<TargetObjectInfo>(names.Count);
        foreach (var name in names)
        {
            // A symbolic link that leads outside the files root is left out, so it does not hide the other files.
            if (!TryResolveFile(name, out var path, out var problem))
            {
                Log.ObjectSkipped(logger, name, problem);
                continue;
            }

            objects.Add(Describe(name, _storage.ReadColumns(path)));
        }

        return Task.FromResult<IReadOnlyList<TargetObjectInfo>>(objects);
    }

    /// <summary>Describes a file, which need not exist yet: any valid file name is a target object.</summary>
    /// <exception cref="InvalidTargetObjectException"><paramref name="objectId"/> is not a valid file name.</exception>
    public Task<TargetObjectInfo?> DescribeObjectAsync(string objectId, CancellationToken cancellationToken)
    {
        if (CheckName(objectId) is { } problem)
        {
            throw new InvalidTargetObjectException(objectId, problem);
        }

        var path = ResolveFile(objectId);
        return Task.FromResult<TargetObjectInfo?>(Describe(objectId, _storage.ReadColumns(path)));
    }

    public int PreferredBatchSize => 10_000;

    public async Task<IReadOnlyList<RecordResult>> WriteAsync(WriteBatch batch, CancellationToken cancellationToken)
    {
        if (batch.Records.Count == 0)
        {
            return [];
        }

        var appending = batch.Records[0].Operation == RecordOperation.Append;
        if (batch.Records.Any(r => (r.Operation == RecordOperation.Append) != appending))
        {
            throw new ConnectorException("a batch mixes appended records with records matched by identity, which a file cannot take in one write");
        }

        var fileName = appending ? SnapshotFileName(batch) ?? batch.ObjectId : batch.ObjectId;
        var problem = CheckName(fileName);
        if (problem is not null)
        {
            throw new ConnectorException(problem);
        }

        var path = ResolveFile(fileName);
        var fileLock = FileLocks.GetOrAdd(path, _ => new SemaphoreSlim(1, 1));
        await fileLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (appending)
            {
                _storage.Append(path, fileName, batch, logger);
                Log.BatchAppended(logger, fileName, batch.Records.Count);
                return [.. batch.Records.Select(_ => new RecordResult(RecordOutcome.Inserted))];
            }

            return _storage.Replace(path, fileName, batch, logger);
        }
        finally
        {
            fileLock.Release();
        }
    }

    public async Task<IReadOnlyList<bool>> ContainsAsync(
        string objectId, string identityField, IReadOnlyList<object> identities, CancellationToken cancellationToken)
    {
        var problem = CheckName(objectId);
        if (problem is not null)
        {
            throw new ConnectorException(problem);
        }

        var path = ResolveFile(objectId);
        var fileLock = FileLocks.GetOrAdd(path, _ => new SemaphoreSlim(1, 1));
        await fileLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var table = _storage.ReadTable(path, objectId);
            var column = table.Columns.IndexOf(identityField);
            var keys = column < 0
                ? []
                : table.Rows.Select(row => FileValueText.ToIdentityKey(settings.Format, row[column])).OfType<string>().ToHashSet(StringComparer.Ordinal);
            return [.. identities.Select(identity => FileValueText.ToCsv(identity) is { } key && keys.Contains(key))];
        }
        finally
        {
            fileLock.Release();
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>
    /// Returns why a name cannot be a target file, or null. Names starting with a dot are kept for the connector's
    /// temporary and journal files.
    /// </summary>
    internal static string? CheckName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.StartsWith('.') || name.IndexOfAny(['/', '\\', '\0']) >= 0)
        {
            return $"target object {name} is not a valid file name: use a name without slashes that does not start with a dot, such as people.csv";
        }

        return System.Text.Encoding.UTF8.GetByteCount(name) > 255
            ? $"target object {name} is longer than 255 bytes, the longest file name Linux allows"
            : null;
    }

    /// <summary>
    /// Returns the snapshot file of a batch that carries <see cref="SnapshotColumns.ExecutionId"/>: people.csv becomes
    /// people-{execution id}.csv, so each execution writes its own file and a resumed one continues it.
    /// </summary>
    private static string? SnapshotFileName(WriteBatch batch)
    {
        var column = IndexOf(batch.Fields, SnapshotColumns.ExecutionId);
        if (column < 0 || IndexOf(batch.Fields, SnapshotColumns.SnapshotAt) < 0)
        {
            return null;
        }

        var executionId = Convert.ToString(batch.Records[0].Values[column], System.Globalization.CultureInfo.InvariantCulture);
        var extension = Path.GetExtension(batch.ObjectId);
        return Path.GetFileNameWithoutExtension(batch.ObjectId) + "-" + executionId + extension;
    }

    private static int IndexOf(IReadOnlyList<string> fields, string name)
    {
        for (var i = 0; i < fields.Count; i++)
        {
            if (string.Equals(fields[i], name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    private static TargetObjectInfo Describe(string name, IReadOnlyList<string> columns) =>
        new(name, name, [.. columns.Select(c => new TargetFieldInfo(c, c, FieldType.String, "any", Required: false, SupportsIdentity: true))], Modes)
        {
            // Replace mode adds missing columns and snapshot mode writes a new file, so only append is held to the header.
            AcceptsAnyField = true,
            AppendFields = columns.Count == 0 ? null : columns,
        };

    /// <summary>Resolves a file of the directory, following links, and checks that it stays inside the files root.</summary>
    private string ResolveFile(string name)
    {
        settings.ResolveDirectory();
        if (!TryResolveFile(name, out var fullPath, out var problem))
        {
            throw new ConnectorException(problem);
        }

        return fullPath;
    }

    private bool TryResolveFile(string name, out string fullPath, out string problem)
    {
        var configured = Path.Join(settings.ConfiguredDirectory, name);
        return FilesRootPaths.TryResolveInsideRoot(settings.FilesRoot, configured, "target object", out fullPath, out problem);
    }
}
