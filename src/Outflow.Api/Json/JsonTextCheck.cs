using System.Text;
using System.Text.Json;
using Outflow.Api.Errors;

namespace Outflow.Api.Json;

/// <summary>
/// Checks a request body before it is deserialized for what the serializer lets through into free-form objects
/// such as a connection's <c>configuration</c>: repeated property names, text that is not valid Unicode (lone
/// surrogates, invalid UTF-8) and NUL characters, which databases and drivers reject later.
/// </summary>
internal static class JsonTextCheck
{
    /// <exception cref="ApiException">400 naming the JSON path of the first offending property or value.</exception>
    public static void Check(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        var frames = new Stack<Frame>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                        AdvanceArrayIndex(frames);
                        frames.Push(new Frame(reader.TokenType == JsonTokenType.StartArray));
                        break;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        frames.Pop();
                        break;
                    case JsonTokenType.PropertyName:
                        var name = ReadText(ref reader, frames, "property name");
                        var frame = frames.Peek();
                        frame.Property = name;
                        if (!frame.Names!.Add(name))
                        {
                            throw ApiException.BadRequest(
                                ApiErrorKeys.InvalidJson,
                                $"{PathOf(frames)} appears more than once in one object: send each property once",
                                PathOf(frames));
                        }

                        break;
                    case JsonTokenType.String:
                        AdvanceArrayIndex(frames);
                        ReadText(ref reader, frames, "value");
                        break;
                    default:
                        AdvanceArrayIndex(frames);
                        break;
                }
            }
        }
        catch (JsonException)
        {
            // Malformed JSON: the deserializer that runs next reports it with its position.
        }
    }

    private static string ReadText(ref Utf8JsonReader reader, Stack<Frame> frames, string what)
    {
        string text;
        try
        {
            text = reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            throw Invalid(frames, $"is not valid Unicode text (a lone surrogate or invalid UTF-8 in its {what})");
        }

        if (text.Contains('\0', StringComparison.Ordinal))
        {
            throw Invalid(frames, $"contains a NUL character in its {what}: remove it");
        }

        return text;
    }

    private static ApiException Invalid(Stack<Frame> frames, string problem)
    {
        var path = PathOf(frames);
        return ApiException.BadRequest(ApiErrorKeys.InvalidField, $"{path ?? "the request body"} {problem}", path);
    }

    private static void AdvanceArrayIndex(Stack<Frame> frames)
    {
        if (frames.Count > 0 && frames.Peek().IsArray)
        {
            frames.Peek().Index++;
        }
    }

    /// <summary>Builds the JSON path of the current position, e.g. <c>fields[1].target</c>; null at the root.</summary>
    private static string? PathOf(Stack<Frame> frames)
    {
        var path = new StringBuilder();
        foreach (var frame in frames.Reverse())
        {
            if (frame.IsArray)
            {
                path.Append('[').Append(frame.Index).Append(']');
            }
            else if (frame.Property is not null)
            {
                if (path.Length > 0)
                {
                    path.Append('.');
                }

                path.Append(frame.Property);
            }
        }

        return path.Length == 0 ? null : path.ToString();
    }

    private sealed class Frame(bool isArray)
    {
        public bool IsArray { get; } = isArray;

        /// <summary>The index of the current element; -1 before the first.</summary>
        public int Index { get; set; } = -1;

        public string? Property { get; set; }

        public HashSet<string>? Names { get; } = isArray ? null : new HashSet<string>(StringComparer.Ordinal);
    }
}
