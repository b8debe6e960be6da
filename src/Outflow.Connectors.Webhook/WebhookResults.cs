using System.Text.Json;
using System.Text.Json.Nodes;
using Outflow.Core.Connectors;

namespace Outflow.Connectors.Webhook;

/// <summary>
/// Reads the per-record results of a 2xx response, <c>{"results": [{"identity": …, "error": …}]}</c>, and matches
/// them to a batch's records by identity text.
/// </summary>
internal static class WebhookResults
{
    /// <summary>
    /// Returns the rejection message of each record (null for a record the response does not reject) and the number
    /// of entries that name no record of the batch. An entry rejects its record unless <c>error</c> is missing,
    /// <c>null</c>, <c>false</c> or a blank string. A string is the message itself, and any other value (a number,
    /// <c>true</c>, an object or an array) gives its compact JSON text. A body that is not such an object rejects nothing.
    /// </summary>
    public static (string?[] Errors, int UnknownCount) Read(string responseText, IReadOnlyList<TargetRecord> records)
    {
        var errors = new string?[records.Count];
        var unknown = 0;
        using var document = TryParse(responseText);
        if (document is null
            || document.RootElement.ValueKind != JsonValueKind.Object
            || !document.RootElement.TryGetProperty("results", out var results)
            || results.ValueKind != JsonValueKind.Array)
        {
            return (errors, 0);
        }

        var indexes = IndexByIdentity(records);
        foreach (var result in results.EnumerateArray())
        {
            if (result.ValueKind != JsonValueKind.Object
                || !result.TryGetProperty("identity", out var identity)
                || !result.TryGetProperty("error", out var error)
                || DescribeError(error) is not { } message)
            {
                continue;
            }

            if (FormatIdentity(identity) is not { } text || !indexes.TryGetValue(text, out var matched))
            {
                unknown++;
                continue;
            }

            foreach (var index in matched)
            {
                errors[index] = message;
            }
        }

        return (errors, unknown);
    }

    /// <summary>
    /// Returns the canonical text of an identity in a response (see <see cref="IdentityFormatter"/>), so that
    /// <c>7</c>, <c>7.0</c> and <c>"7"</c> all name the record whose identity is 7. Null, objects and arrays name no record.
    /// </summary>
    public static string? FormatIdentity(JsonElement identity) => identity.ValueKind switch
    {
        JsonValueKind.String => IdentityFormatter.Format(identity.GetString()),
        JsonValueKind.Number when identity.TryGetInt64(out var integer) => IdentityFormatter.Format(integer),
        JsonValueKind.Number when identity.TryGetDecimal(out var number) => IdentityFormatter.Format(number),
        JsonValueKind.Number => IdentityFormatter.Format(identity.GetDouble()),
        JsonValueKind.True => IdentityFormatter.Format(true),
        JsonValueKind.False => IdentityFormatter.Format(false),
        _ => null,
    };

    /// <summary>
    /// Maps identity texts to the records they name. Each record is found by the canonical text of its identity value
    /// and by that of the JSON the request sent for it, which differ for values such as binaries (hex and base64) and
    /// times with an offset.
    /// </summary>
    private static Dictionary<string, List<int>> IndexByIdentity(IReadOnlyList<TargetRecord> records)
    {
        var indexes = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var i = 0; i < records.Count; i++)
        {
            var canonical = IdentityFormatter.Format(records[i].Identity);
            var sent = FormatSentIdentity(records[i].Identity);
            Add(indexes, canonical, i);
            if (sent != canonical)
            {
                Add(indexes, sent, i);
            }
        }

        return indexes;
    }

    private static void Add(Dictionary<string, List<int>> indexes, string? text, int index)
    {
        if (text is null)
        {
            return;
        }

        if (!indexes.TryGetValue(text, out var list))
        {
            list = [];
            indexes[text] = list;
        }

        list.Add(index);
    }

    private static string? FormatSentIdentity(object identity)
    {
        using var document = JsonDocument.Parse(WebhookBatchBody.WriteValue(identity));
        return FormatIdentity(document.RootElement);
    }

    private static string? DescribeError(JsonElement error) => error.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.False or JsonValueKind.Undefined => null,
        JsonValueKind.String => string.IsNullOrWhiteSpace(error.GetString()) ? null : error.GetString(),
        _ => JsonNode.Parse(error.GetRawText())!.ToJsonString(),
    };

    private static JsonDocument? TryParse(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        try
        {
            return JsonDocument.Parse(text);
        }
        catch (JsonException)
        {
            // A receiver may return any body, and only a JSON object with "results" rejects records.
            return null;
        }
    }
}
