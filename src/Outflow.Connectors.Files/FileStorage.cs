using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Outflow.Core.Connectors;

namespace Outflow.Connectors.Files;

/// <summary>Reads and writes the files of one connection, encrypting them when the sync has a passphrase.</summary>
/// <remarks>NOTE: replace mode and identity lookups hold the whole file in memory.</remarks>
internal sealed class FileStorage(FilesSettings settings)
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    // PBKDF2 with 600,000 iterations takes a noticeable fraction of a second, so each file's key is derived once.
    private readonly Dictionary<string, byte[]> _keys = new(StringComparer.Ordinal);

    // Append mode checks a CSV file's header once per file, not on every batch.
    private readonly Dictionary<string, IReadOnlyList<string>> _checkedHeaders = new(StringComparer.Ordinal);

    /// <summary>
    /// Returns the columns of an existing CSV file's header, or none for a missing, JSON Lines, unreadable or encrypted
    /// file: discovery runs without the sync's passphrase, and the object accepts any field anyway.
    /// </summary>
    public IReadOnlyList<string> ReadColumns(string path)
    {
        if (settings.Format != FileFormat.Csv || !File.Exists(path))
        {
            return [];
        }

        try
        {
            using var stream = File.OpenRead(path);
            var start = new byte[FileEncryption.HeaderLength];
            var read = stream.ReadAtLeast(start, start.Length, throwOnEndOfStream: false);
            if (FileEncryption.HasMagic(start.AsSpan(0, read)))
            {
                return [];
            }

            stream.Position = 0;
            using var reader = new StreamReader(stream, Utf8);
            var text = new StringBuilder();
            while (reader.ReadLine() is { } line)
            {
                text.Append(line).Append('\n');

                // A header ends at the first line end outside quotes, which an even count of quotes shows.
                if (text.ToString().Count(c => c == '"') % 2 == 0)
                {
                    break;
                }
            }

            return FileTable.Parse(FileFormat.Csv, text.ToString()).Columns;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException or DecoderFallbackException)
        {
            return [];
        }
    }

    /// <summary>Reads and parses a whole file; a missing file is an empty table.</summary>
    /// <exception cref="ConnectorException">The file cannot be read, decrypted or parsed.</exception>
    public FileTable ReadTable(string path, string fileName) => ReadTable(path, fileName, out _);

    /// <summary>Appends a batch of records to the end of a file, creating it when it is missing.</summary>
    /// <remarks>
    /// Before writing, a journal file next to it stores the file's length and a hash of the batch's record keys. When
    /// the same batch comes again while the file is longer than that length, an earlier attempt wrote it (fully or in
    /// part) and crashed before the engine's checkpoint, so the file is cut back first and the records are not
    /// duplicated.
    /// NOTE: a retried batch that the engine forms differently (a changed model, a split batch) is appended again.
    /// </remarks>
    /// <exception cref="ConnectorException">The file could not be written; it is cut back to its length before the batch.</exception>
    public void Append(string path, string fileName, WriteBatch batch, ILogger logger)
    {
        var journalPath = Path.Join(Path.GetDirectoryName(path), "." + fileName + ".outflow-append");
        var batchHash = HashKeys(batch);
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new ConnectorException($"opening file {fileName} failed: {Describe(exception)}", innerException: exception);
        }

        using (stream)
        {
            var journal = ReadJournal(journalPath);
            if (journal is { } last && last.Hash == batchHash && stream.Length > last.Length)
            {
                Log.RetriedBatchTruncated(logger, fileName, stream.Length - last.Length);
                stream.SetLength(last.Length);
            }

            var startLength = stream.Length;
            try
            {
                var header = PrepareAppend(stream, path, fileName, batch);
                WriteJournal(journalPath, startLength, batchHash);
                var text = FormatRecords(batch, writeHeader: stream.Length == 0 || (header is not null && stream.Length == FileEncryption.HeaderLength));
                var bytes = Utf8.GetBytes(text);
                if (header is null)
                {
                    stream.Position = stream.Length;
                    stream.Write(bytes);
                }
                else
                {
                    if (stream.Length == 0)
                    {
                        stream.Write(header);
                    }

                    stream.Position = FileEncryption.HeaderLength;
                    var chunks = FileEncryption.CountChunks(stream);
                    FileEncryption.WriteChunks(stream, header, KeyFor(header), chunks, bytes);
                }

                stream.Flush(flushToDisk: true);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                Log.BatchUndone(logger, exception, fileName, batch.Records.Count);
                stream.SetLength(startLength);
                stream.Flush(flushToDisk: true);
                throw new ConnectorException($"appending {batch.Records.Count} records to file {fileName} failed: {Describe(exception)}", innerException: exception);
            }
        }
    }

    /// <summary>
    /// Applies a batch of records matched by identity to the whole file and writes the result through a temporary file,
    /// fsync and a rename over the old file. Deletes remove the record's row, updates change its cells in place, and new
    /// records go to the end.
    /// </summary>
    /// <remarks>NOTE: the directory is not fsynced after the rename, so a power loss right after it can bring back the old file.</remarks>
    /// <exception cref="ConnectorException">The file could not be read or written; it is unchanged.</exception>
    public IReadOnlyList<RecordResult> Replace(string path, string fileName, WriteBatch batch, ILogger logger)
    {
        var table = ReadTable(path, fileName, out var header);
        var identityField = batch.IdentityField
            ?? throw new ConnectorException($"a batch for file {fileName} matches records by identity but names no identity field");
        var identityColumn = table.EnsureColumn(identityField);
        var columns = batch.Fields.Select(table.EnsureColumn).ToArray();
        var positions = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < table.Rows.Count; i++)
        {
            if (FileValueText.ToIdentityKey(settings.Format, table.Rows[i][identityColumn]) is { } key)
            {
                positions.TryAdd(key, i);
            }
        }

        var results = new RecordResult[batch.Records.Count];
        var deleted = new HashSet<int>();
        for (var r = 0; r < results.Length; r++)
        {
            var record = batch.Records[r];
            var identity = FileValueText.ToCsv(record.Identity) ?? "";
            var found = positions.TryGetValue(identity, out var position) && !deleted.Contains(position);
            results[r] = (record.Operation, found) switch
            {
                (RecordOperation.Delete, true) => Delete(position),
                (RecordOperation.Delete or RecordOperation.Update, false) => new RecordResult(RecordOutcome.NotFound, $"no record in {fileName} has identity {identity}"),
                (RecordOperation.Insert, true) => new RecordResult(RecordOutcome.Skipped),
                (RecordOperation.Update or RecordOperation.Upsert, true) => Update(position, record),
                (RecordOperation.Insert or RecordOperation.Upsert, false) => Insert(record, identity),
                _ => throw new ConnectorException($"operation {record.Operation} cannot be applied to file {fileName}"),
            };
        }

        var rows = table.Rows.Where((_, i) => !deleted.Contains(i)).ToList();
        table.Rows.Clear();
        table.Rows.AddRange(rows);
        WriteAtomically(path, fileName, table, header ?? (settings.Passphrase is null ? null : FileEncryption.NewHeader()));
        Log.FileReplaced(logger, fileName, rows.Count, batch.Records.Count);
        return results;

        RecordResult Delete(int position)
        {
            deleted.Add(position);
            return new RecordResult(RecordOutcome.Deleted);
        }

        RecordResult Update(int position, TargetRecord record)
        {
            var row = table.Rows[position];
            for (var f = 0; f < columns.Length; f++)
            {
                if (batch.CreateOnlyFields.Contains(batch.Fields[f]) && !FileValueText.IsEmpty(settings.Format, row[columns[f]]))
                {
                    continue;
                }

                row[columns[f]] = FileValueText.ToCell(settings.Format, record.Values[f]);
            }

            return new RecordResult(RecordOutcome.Updated);
        }

        RecordResult Insert(TargetRecord record, string identity)
        {
            var row = new string?[table.Columns.Count];
            row[identityColumn] = FileValueText.ToCell(settings.Format, record.Identity);
            for (var f = 0; f < columns.Length; f++)
            {
                row[columns[f]] = FileValueText.ToCell(settings.Format, record.Values[f]);
            }

            table.Rows.Add(row);
            positions[identity] = table.Rows.Count - 1;
            return new RecordResult(RecordOutcome.Inserted);
        }
    }

    private FileTable ReadTable(string path, string fileName, out byte[]? header)
    {
        header = null;
        byte[] bytes;
        try
        {
            if (!File.Exists(path))
            {
                return new FileTable(settings.Format);
            }

            using var stream = File.OpenRead(path);
            var start = new byte[FileEncryption.HeaderLength];
            var read = stream.ReadAtLeast(start, start.Length, throwOnEndOfStream: false);
            stream.Position = 0;
            var encrypted = FileEncryption.HasMagic(start.AsSpan(0, read));
            CheckEncryption(encrypted, fileName);
            if (encrypted)
            {
                header = FileEncryption.ReadHeader(stream);
                var plaintext = new MemoryStream();
                FileEncryption.ReadChunks(stream, header, KeyFor(header), plaintext);
                bytes = plaintext.ToArray();
            }
            else
            {
                var buffer = new MemoryStream();
                stream.CopyTo(buffer);
                bytes = buffer.ToArray();
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            throw new ConnectorException($"reading file {fileName} failed: {Describe(exception)}", innerException: exception);
        }

        try
        {
            return FileTable.Parse(settings.Format, Utf8.GetString(bytes));
        }
        catch (Exception exception) when (exception is FormatException or DecoderFallbackException)
        {
            throw new ConnectorException(
                $"file {fileName} is not valid {settings.Format.ToWire()}: {Describe(exception)}; move it away or pick another target object",
                innerException: exception);
        }
    }

    /// <summary>Checks that the file and the sync agree on encryption, and for CSV that the header matches the batch's fields.</summary>
    /// <returns>The encryption header, or null for a plain file.</returns>
    private byte[]? PrepareAppend(FileStream stream, string path, string fileName, WriteBatch batch)
    {
        if (stream.Length == 0)
        {
            return settings.Passphrase is null ? null : FileEncryption.NewHeader();
        }

        var start = new byte[FileEncryption.HeaderLength];
        stream.Position = 0;
        var read = stream.ReadAtLeast(start, start.Length, throwOnEndOfStream: false);
        var encrypted = FileEncryption.HasMagic(start.AsSpan(0, read));
        CheckEncryption(encrypted, fileName);
        if (settings.Format == FileFormat.Csv && !_checkedHeaders.ContainsKey(path))
        {
            var columns = ReadTable(path, fileName).Columns;
            if (columns.Count > 0 && !columns.SequenceEqual(batch.Fields, StringComparer.Ordinal))
            {
                throw new ConnectorException(
                    $"file {fileName} has the columns {string.Join(", ", columns)}, but the sync writes {string.Join(", ", batch.Fields)}; " +
                    "map the same fields in the same order, or pick another file");
            }

            _checkedHeaders[path] = columns;
        }

        return encrypted ? start : null;
    }

    private void CheckEncryption(bool encrypted, string fileName)
    {
        if (encrypted && settings.Passphrase is null)
        {
            throw new ConnectorException(
                $"file {fileName} is encrypted, but the sync has no encryption_passphrase; set it, or pick another file");
        }

        if (!encrypted && settings.Passphrase is not null)
        {
            throw new ConnectorException(
                $"file {fileName} is not encrypted, but the sync has an encryption_passphrase; remove it, or pick another file");
        }
    }

    private string FormatRecords(WriteBatch batch, bool writeHeader)
    {
        var output = new StringBuilder();
        if (settings.Format == FileFormat.Csv && writeHeader)
        {
            CsvText.AppendRow(output, batch.Fields);
        }

        var cells = new string?[batch.Fields.Count];
        foreach (var record in batch.Records)
        {
            for (var i = 0; i < cells.Length; i++)
            {
                cells[i] = FileValueText.ToCell(settings.Format, record.Values[i]);
            }

            if (settings.Format == FileFormat.Csv)
            {
                CsvText.AppendRow(output, cells);
            }
            else
            {
                FileTable.AppendJsonLine(output, batch.Fields, cells);
            }
        }

        return output.ToString();
    }

    private void WriteAtomically(string path, string fileName, FileTable table, byte[]? header)
    {
        var temporary = Path.Join(Path.GetDirectoryName(path), "." + fileName + "." + Guid.NewGuid().ToString("N") + ".tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                var bytes = Utf8.GetBytes(table.Serialize());
                if (header is null)
                {
                    stream.Write(bytes);
                }
                else
                {
                    stream.Write(header);
                    FileEncryption.WriteChunks(stream, header, KeyFor(header), 0, bytes);
                }

                stream.Flush(flushToDisk: true);
            }

            // rename(2) replaces the old file in one step: a reader that opens the path gets one version or the other.
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            File.Delete(temporary);
            throw new ConnectorException($"rewriting file {fileName} failed: {Describe(exception)}", innerException: exception);
        }
    }

    // File system messages contain the server path, which the API user must not see, so only the error type is shown.
    private static string Describe(Exception exception) =>
        exception is InvalidDataException ? exception.Message : "the file system reported " + exception.GetType().Name;

    private byte[] KeyFor(byte[] header)
    {
        var id = Convert.ToBase64String(header);
        if (!_keys.TryGetValue(id, out var key))
        {
            key = FileEncryption.DeriveKey(settings.Passphrase!, header);
            _keys[id] = key;
        }

        return key;
    }

    /// <summary>
    /// Hashes the batch's execution id and the formatted lines of its records, so that only a retry of the same batch
    /// of the same execution matches, never a later batch or execution that changes the same identities.
    /// </summary>
    private string HashKeys(WriteBatch batch)
    {
        var text = new StringBuilder(batch.ExecutionId.ToString()).Append('\n');
        text.Append(FormatRecords(batch, writeHeader: false));
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private static (long Length, string Hash)? ReadJournal(string journalPath)
    {
        if (!File.Exists(journalPath))
        {
            return null;
        }

        var lines = File.ReadAllLines(journalPath);
        return lines.Length == 2 && long.TryParse(lines[0], System.Globalization.CultureInfo.InvariantCulture, out var length)
            ? (length, lines[1])
            : null;
    }

    private static void WriteJournal(string journalPath, long length, string hash)
    {
        using var stream = new FileStream(journalPath, FileMode.Create, FileAccess.Write, FileShare.None);
        stream.Write(Encoding.ASCII.GetBytes(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{length}\n{hash}\n")));
        stream.Flush(flushToDisk: true);
    }
}
