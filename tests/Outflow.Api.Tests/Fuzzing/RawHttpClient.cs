using System.Net.Sockets;
using System.Text;

namespace Outflow.Api.Tests.Fuzzing;

/// <summary>One request as it goes on the wire: the request target is sent byte for byte, unnormalized.</summary>
public sealed record RawRequest(string Method, string Target, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[]? Body);

/// <summary>One response read from the socket: status, headers (looked up case-insensitively) and the decoded body.</summary>
public sealed record RawResponse(int Status, IReadOnlyDictionary<string, string> Headers, string Body);

/// <summary>
/// Sends HTTP/1.1 requests over a new TCP connection each, so that request targets such as <c>%00</c> or <c>..</c>
/// and header values that <see cref="HttpClient"/> would normalize or reject reach Kestrel unchanged.
/// </summary>
public sealed class RawHttpClient(Uri baseAddress)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public async Task<RawResponse> SendAsync(RawRequest request)
    {
        using var client = new TcpClient();
        using var timeout = new CancellationTokenSource(Timeout);
        await client.ConnectAsync(baseAddress.Host, baseAddress.Port, timeout.Token);
        var stream = client.GetStream();

        var head = new StringBuilder();
        head.Append(request.Method).Append(' ').Append(request.Target).Append(" HTTP/1.1\r\n");
        head.Append("Host: ").Append(baseAddress.Authority).Append("\r\n");
        head.Append("Connection: close\r\n");
        foreach (var (name, value) in request.Headers)
        {
            head.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        if (request.Body is not null)
        {
            head.Append("Content-Length: ").Append(request.Body.Length).Append("\r\n");
        }

        head.Append("\r\n");
        await stream.WriteAsync(Encoding.UTF8.GetBytes(head.ToString()), timeout.Token);

        // The body is written while the response is read: the server may respond without reading a body it
        // rejects, and a response left unread when the connection resets would be lost.
        var writing = request.Body is null ? Task.CompletedTask : WriteBodyAsync(stream, request.Body, timeout.Token);
        using var received = new MemoryStream();
        try
        {
            await stream.CopyToAsync(received, timeout.Token);
        }
        catch (IOException) when (received.Length > 0)
        {
            // A reset after the response was sent, when the server did not read the whole body.
        }

        await writing;
        return Parse(received.ToArray());
    }

    private static async Task WriteBodyAsync(NetworkStream stream, byte[] body, CancellationToken cancellationToken)
    {
        try
        {
            await stream.WriteAsync(body, cancellationToken);
        }
        catch (IOException)
        {
            // The server responded and closed the connection before reading the whole body.
        }
    }

    private static RawResponse Parse(byte[] bytes)
    {
        var headEnd = bytes.AsSpan().IndexOf("\r\n\r\n"u8);
        if (headEnd < 0)
        {
            throw new InvalidOperationException($"the server closed the connection without a complete response: \"{Encoding.UTF8.GetString(bytes)}\"");
        }

        var lines = Encoding.Latin1.GetString(bytes, 0, headEnd).Split("\r\n");
        var statusLine = lines[0].Split(' ', 3);
        var status = int.Parse(statusLine[1], System.Globalization.CultureInfo.InvariantCulture);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }

        var body = bytes[(headEnd + 4)..];
        if (headers.TryGetValue("transfer-encoding", out var encoding) && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            body = DecodeChunked(body);
        }

        return new RawResponse(status, headers, Encoding.UTF8.GetString(body));
    }

    private static byte[] DecodeChunked(byte[] body)
    {
        using var decoded = new MemoryStream();
        var position = 0;
        while (true)
        {
            var lineEnd = position + body.AsSpan(position).IndexOf("\r\n"u8);
            var size = Convert.ToInt32(Encoding.ASCII.GetString(body, position, lineEnd - position).Split(';')[0], 16);
            if (size == 0)
            {
                return decoded.ToArray();
            }

            decoded.Write(body, lineEnd + 2, size);
            position = lineEnd + 2 + size + 2;
        }
    }
}
