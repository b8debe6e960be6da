using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Outflow.Core.Connectors;

namespace Outflow.Connectors.Webhook;

/// <summary>
/// The JSON body of one webhook request, its <c>Idempotency-Key</c>, and each record's identity as JSON text, which
/// per-record results are matched against.
/// </summary>
internal sealed class WebhookBatchBody
{
    private WebhookBatchBody(byte[] content, string idempotencyKey, string[] identities)
    {
        Content = content;
        IdempotencyKey = idempotencyKey;
        Identities = identities;
    }

    public byte[] Content { get; }

    public string IdempotencyKey { get; }

    /// <summary>Each record's identity in normalized JSON text (see <see cref="NormalizeIdentity"/>), in record order.</summary>
    public IReadOnlyList<string> Identities { get; }

    /// <summary>
    /// Builds the body. The key is a SHA-256 of the execution id, the object id and the records' JSON, so it is the
    /// same when this batch is sent again and differs for any other batch. The batch number is left out of the key,
    /// because a batch that the engine writes again gets a new number.
    /// </summary>
    public static WebhookBatchBody Create(
        Guid executionId, string objectId, int batchNumber, IReadOnlyList<string> fields, IReadOnlyList<TargetRecord> records)
    {
        var recordsBuffer = new ArrayBufferWriter<byte>();
        var identities = new string[records.Count];
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
                for (var f = 0; f < record.Values.Length && f < fields.Count; f++)
                {
                    writer.WritePropertyName(fields[f]);
                    JsonValueWriter.Write(writer, record.Values[f]);
                }

                writer.WriteEndObject();
                writer.WriteEndObject();
                identities[i] = NormalizeIdentityJson(WriteValue(record.Identity));
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

        return new WebhookBatchBody(bodyBuffer.WrittenSpan.ToArray(), key, identities);
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

    /// <summary>
    /// Normalizes an identity's JSON text so that equal numbers compare equal whatever their spelling (1, 1.0, 1e0).
    /// Other values compare as their compact JSON text.
    /// </summary>
    public static string NormalizeIdentity(JsonElement identity)
    {
        if (identity.ValueKind == JsonValueKind.Number && identity.TryGetDecimal(out var number))
        {
            // Dividing by 1.000… removes trailing zeros of the decimal's scale.
            return (number / 1.000000000000000000000000000000000m).ToString(CultureInfo.InvariantCulture);
        }

        return identity.GetRawText();
    }

    private static string NormalizeIdentityJson(byte[] json)
    {
        using var document = JsonDocument.Parse(json);
        return NormalizeIdentity(document.RootElement);
    }

    private static byte[] WriteValue(object? value)
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
