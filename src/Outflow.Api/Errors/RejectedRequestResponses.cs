using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Outflow.Api.Json;

namespace Outflow.Api.Errors;

/// <summary>
/// Gives an ApiError body to the responses Kestrel writes itself, without running the application, when it
/// rejects a request line or headers: a <c>%00</c> in the path, a request target over 8 KiB, a control character
/// in a header. Kestrel offers no hook for these responses, so a connection middleware copies the output
/// of each HTTP/1.1 connection and replaces such a response, which is always the last one of its connection.
/// </summary>
public static class RejectedRequestResponses
{
    private static readonly byte[] HeaderEnd = "\r\n\r\n"u8.ToArray();

    /// <summary>Adds the middleware to an endpoint that serves HTTP/1.1; HTTP/2-only and HTTP/3 endpoints are left as they are.</summary>
    /// <remarks>NOTE: tested on plain HTTP endpoints only. On an HTTPS endpoint the middleware may see encrypted bytes, which never match, so rejections there keep Kestrel's empty body.</remarks>
    public static ListenOptions UseApiErrorsForRejectedRequests(this ListenOptions listen)
    {
        if (listen.Protocols != HttpProtocols.Http1 && listen.Protocols != HttpProtocols.Http1AndHttp2)
        {
            return listen;
        }

        listen.Use(next => async connection =>
        {
            var transport = connection.Transport;
            var output = new Pipe();
            connection.Transport = new DuplexPipe(transport.Input, output.Writer);
            var copying = CopyAsync(output.Reader, transport.Output);
            try
            {
                await next(connection);
            }
            finally
            {
                await output.Writer.CompleteAsync();
                await copying;
                connection.Transport = transport;
            }
        });
        return listen;
    }

    private static async Task CopyAsync(PipeReader reader, PipeWriter output)
    {
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync();
                var buffer = result.Buffer;
                var rejectionStart = FindRejection(buffer);
                if (rejectionStart is { } start && result.IsCompleted)
                {
                    Write(output, buffer.Slice(0, start));
                    output.Write(ReplaceRejection(buffer.Slice(start).ToArray()));
                    await output.FlushAsync();
                    reader.AdvanceTo(buffer.End);
                    break;
                }

                // A possible rejection is held back until the connection ends; any later output shows that it was not one.
                var forwardEnd = rejectionStart is { } held ? buffer.GetPosition(held) : buffer.End;
                Write(output, buffer.Slice(0, forwardEnd));
                var flush = await output.FlushAsync();
                reader.AdvanceTo(forwardEnd, buffer.End);
                if (result.IsCompleted || flush.IsCompleted)
                {
                    break;
                }
            }

            await reader.CompleteAsync();
            await output.CompleteAsync();
        }
        catch (Exception exception) when (exception is IOException or ConnectionResetException or InvalidOperationException)
        {
            // The client is gone, so the rest of the output cannot be sent.
            await reader.CompleteAsync(exception);
        }
    }

    private static void Write(PipeWriter output, ReadOnlySequence<byte> data)
    {
        foreach (var segment in data)
        {
            output.Write(segment.Span);
        }
    }

    /// <summary>
    /// Returns the offset of a trailing bodiless 4xx or 5xx response head with <c>Connection: close</c> and no
    /// <c>Content-Type</c>, the shape of Kestrel's rejection responses; null when the buffer does not end with one.
    /// </summary>
    private static long? FindRejection(ReadOnlySequence<byte> buffer)
    {
        const int MaxHeadLength = 512;
        var tailStart = Math.Max(0, buffer.Length - MaxHeadLength);
        var tail = buffer.Slice(tailStart).ToArray();
        if (!tail.AsSpan().EndsWith(HeaderEnd))
        {
            return null;
        }

        var start = tail.AsSpan().LastIndexOf("HTTP/1.1 "u8);
        if (start < 0 || tail.AsSpan(start, tail.Length - start - HeaderEnd.Length).IndexOf(HeaderEnd) >= 0)
        {
            return null;
        }

        var head = Encoding.ASCII.GetString(tail, start, tail.Length - start);
        var isError = head.Length > 12 && head[9] is ('4' or '5');
        var isRejection = isError
            && head.Contains("\r\nContent-Length: 0\r\n", StringComparison.OrdinalIgnoreCase)
            && head.Contains("\r\nConnection: close\r\n", StringComparison.OrdinalIgnoreCase)
            && !head.Contains("\r\nContent-Type:", StringComparison.OrdinalIgnoreCase);
        return isRejection ? tailStart + start : null;
    }

    private static byte[] ReplaceRejection(byte[] head)
    {
        var lines = Encoding.ASCII.GetString(head).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var status = int.Parse(lines[0].AsSpan(9, 3), System.Globalization.CultureInfo.InvariantCulture);
        var (key, message) = status switch
        {
            414 => (ApiErrorKeys.RequestTargetTooLong, "the request target (path and query) is longer than the 8 KiB the server accepts: shorten it"),
            431 => (ApiErrorKeys.HeadersTooLarge, "the request headers are larger than the 32 KiB the server accepts: send fewer or shorter headers"),
            _ => (ApiErrorKeys.MalformedRequest, "the request line or headers are malformed, for example a %00 or other control character in the path or a header value: fix the request"),
        };
        var body = JsonSerializer.SerializeToUtf8Bytes(new ApiError { Status = status, Key = key, Message = message }, ApiJson.Options);

        var response = new StringBuilder();
        response.Append(lines[0]).Append("\r\n");
        foreach (var line in lines.Skip(1).Where(line => !line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase)))
        {
            response.Append(line).Append("\r\n");
        }

        response.Append("Content-Type: application/json\r\n");
        response.Append("Content-Length: ").Append(body.Length).Append("\r\n\r\n");
        return [.. Encoding.ASCII.GetBytes(response.ToString()), .. body];
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
