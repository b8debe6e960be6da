using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Outflow.Core.Connectors;

namespace Outflow.Connectors.Webhook;

/// <summary>The JSON body of one webhook request and its <c>Idempotency-Key</c>.</summary>
internal sealed class WebhookBatchBody
{
    private WebhookBatchBody(byte[] content, string idempotencyKey)
    {
        Content = content;
        IdempotencyKey = idempotencyKey;
    }

    public byte[] Content { get; }

    public string IdempotencyKey { get; }

    /// <summary>
    /// Builds the body. The key is a SHA-256 of the execution id, the object id and the records' JSON, so it is the
    /// same when this batch is sent again and differs for any other batch. The batch number is left out of the key,
    /// because a batch that the engine writes again gets a new number.
    /// </summary>
    public static WebhookBatchBody Create(
        Guid executionId, string objectId, int batchNumber, IReadOnlyList<string> fields, IReadOnlyList<TargetRecord> records)
    {
        var recordsBuffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(recordsBuffer))
        {
            writer.WriteStartArray();
            for (var i = 0; i < records.Count; i++)
            {
                var record = records[i];
                writer.WriteStartObject();
                writer.WriteString("operation", OperationName(record.Operation));
                writer.WritePropertyName("identity");
                JsonValueWriter.Write(writer, record.Identity);
                writer.WriteStartObject("fields");

                // A delete names its record by identity alone, so its fields stay empty.
                var fieldCount = record.Operation == RecordOperation.Delete ? 0 : Math.Min(record.Values.Length, fields.Count);
                for (var f = 0; f < fieldCount; f++)
                {
                    writer.WritePropertyName(fields[f]);
                    JsonValueWriter.Write(writer, record.Values[f]);
                }

                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        var key = CreateIdempotencyKey(executionId, objectId, recordsBuffer.WrittenSpan);
        var bodyBuffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(bodyBuffer))
        {
            writer.WriteStartObject();
            writer.WriteString("object", objectId);
            writer.WriteString("execution_id", executionId);
            writer.WriteNumber("batch", batchNumber);
            writer.WritePropertyName("records");
            writer.WriteRawValue(recordsBuffer.WrittenSpan, skipInputValidation: true);
            writer.WriteEndObject();
        }

        return new WebhookBatchBody(bodyBuffer.WrittenSpan.ToArray(), key);
    }

    /// <summary>
    /// Returns the operation's wire name. Upserts are sent as <c>update</c> and appends as <c>insert</c>, because the
    /// body names only insert, update and delete. The receiver creates a record for an update it has none for.
    /// </summary>
    public static string OperationName(RecordOperation operation) => operation switch
    {
        RecordOperation.Insert or RecordOperation.Append => "insert",
        RecordOperation.Update or RecordOperation.Upsert => "update",
        RecordOperation.Delete => "delete",
        _ => throw new ArgumentOutOfRangeException(nameof(operation), operation, "unknown record operation"),
    };

    /// <summary>Writes a value as the request body does.</summary>
    public static byte[] WriteValue(object? value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            JsonValueWriter.Write(writer, value);
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static string CreateIdempotencyKey(Guid executionId, string objectId, ReadOnlySpan<byte> recordsJson)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(executionId.ToString("D")));
        hash.AppendData([0]);
        hash.AppendData(Encoding.UTF8.GetBytes(objectId));
        hash.AppendData([0]);
        hash.AppendData(recordsJson);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
