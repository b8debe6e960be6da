using System.Net;
using System.Net.Sockets;
using Outflow.Core.Connectors;

namespace Outflow.Connectors.Webhook;

/// <summary>
/// Rejects connections to loopback, private, link-local, unspecified, multicast and reserved addresses. The check
/// runs when a connection opens, on every address the host name resolves to. The socket then connects only to the
/// checked addresses, so a DNS response that changes between validation and connection (DNS rebinding) cannot reach a blocked address.
/// </summary>
internal static class NetworkGuard
{
    /// <summary>
    /// Returns why an address is blocked (for example "a loopback address"), or null when it is public. An IPv6
    /// address that embeds an IPv4 address for a translation mechanism (IPv4-mapped, NAT64 64:ff9b::/96, 6to4) is
    /// judged by the embedded address, because a relay or the host's own stack may deliver it there.
    /// </summary>
    public static string? FindBlockedRange(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address))
        {
            return "a loopback address";
        }

        if (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
        {
            return "the unspecified address";
        }

        return address.AddressFamily switch
        {
            AddressFamily.InterNetwork => FindBlockedIPv4Range(address.GetAddressBytes()),
            AddressFamily.InterNetworkV6 => FindBlockedIPv6Range(address.GetAddressBytes()),
            _ => null,
        };
    }

    private static string? FindBlockedIPv4Range(byte[] bytes) => bytes[0] switch
    {
        0 => "an address of the \"this network\" range 0.0.0.0/8",
        10 => "a private address (10.0.0.0/8)",
        172 when bytes[1] >= 16 && bytes[1] <= 31 => "a private address (172.16.0.0/12)",
        192 when bytes[1] == 168 => "a private address (192.168.0.0/16)",
        192 when bytes[1] == 0 && bytes[2] == 0 => "an IETF protocol assignment address (192.0.0.0/24)",
        198 when bytes[1] is 18 or 19 => "a benchmarking address (198.18.0.0/15)",
        169 when bytes[1] == 254 => "a link-local address (169.254.0.0/16)",
        100 when bytes[1] >= 64 && bytes[1] <= 127 => "a shared address (100.64.0.0/10)",
        >= 224 and <= 239 => "a multicast address (224.0.0.0/4)",
        >= 240 => "a reserved or broadcast address (240.0.0.0/4, 255.255.255.255)",
        _ => null,
    };

    private static string? FindBlockedIPv6Range(byte[] bytes)
    {
        if (bytes.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0)
        {
            // ::/96 minus :: and ::1, which were checked before.
            return "an IPv4-compatible address (::/96)";
        }

        if (bytes[0] == 0x00 && bytes[1] == 0x64 && bytes[2] == 0xFF && bytes[3] == 0x9B)
        {
            if (bytes.AsSpan(4, 8).IndexOfAnyExcept((byte)0) < 0)
            {
                return FindEmbeddedRange("a NAT64 address", bytes.AsSpan(12, 4));
            }

            // The local-use prefix 64:ff9b:1::/48 (RFC 8215) translates to addresses that the operator's network picks.
            if (bytes[4] == 0x00 && bytes[5] == 0x01)
            {
                return "a local-use NAT64 address (64:ff9b:1::/48)";
            }
        }

        if (bytes[0] == 0x20 && bytes[1] == 0x02)
        {
            return FindEmbeddedRange("a 6to4 address", bytes.AsSpan(2, 4));
        }

        // Teredo addresses (RFC 4380) embed the server address and an obfuscated client address, so the whole
        // prefix is blocked instead of deciding by either of them.
        if (bytes[0] == 0x20 && bytes[1] == 0x01 && bytes[2] == 0x00 && bytes[3] == 0x00)
        {
            return "a Teredo address (2001::/32)";
        }

        return bytes[0] switch
        {
            0xFF => "a multicast address (ff00::/8)",
            0xFC or 0xFD => "a private address (fc00::/7)",
            0xFE when (bytes[1] & 0xC0) == 0x80 => "a link-local address (fe80::/10)",
            0xFE when (bytes[1] & 0xC0) == 0xC0 => "a site-local address (fec0::/10)",
            _ => null,
        };
    }

    /// <summary>Returns why an IPv6 address that embeds <paramref name="ipv4"/> is blocked, or null when the IPv4 address is public.</summary>
    private static string? FindEmbeddedRange(string kind, ReadOnlySpan<byte> ipv4)
    {
        var embedded = new IPAddress(ipv4);
        return FindBlockedRange(embedded) is { } range ? $"{kind} that embeds {embedded}, {range}" : null;
    }

    /// <summary>
    /// Resolves the host, checks every address and connects to the first one that accepts. Used as
    /// <see cref="SocketsHttpHandler.ConnectCallback"/>.
    /// </summary>
    /// <exception cref="HttpRequestException">An address is blocked, or no address accepted the connection.</exception>
    public static async ValueTask<Stream> ConnectAsync(
        DnsEndPoint endPoint, bool allowPrivateNetworks, CancellationToken cancellationToken)
    {
        IPAddress[] addresses;
        if (IPAddress.TryParse(endPoint.Host, out var literal))
        {
            addresses = [literal];
        }
        else
        {
            addresses = await Dns.GetHostAddressesAsync(endPoint.Host, cancellationToken).ConfigureAwait(false);
        }

        if (addresses.Length == 0)
        {
            throw new HttpRequestException($"host {endPoint.Host} did not resolve to any address");
        }

        if (!allowPrivateNetworks)
        {
            // Every address is checked, not only the first, so that a name cannot mix a public and a private address.
            foreach (var address in addresses)
            {
                if (FindBlockedRange(address) is { } range)
                {
                    throw new BlockedAddressException(
                        $"host {endPoint.Host} resolves to {address}, {range}, and requests to it are rejected; " +
                        "an operator can allow them with the server setting ALLOW_PRIVATE_NETWORKS");
                }
            }
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, endPoint.Port, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}

/// <summary>A connection that <see cref="NetworkGuard"/> rejected because of its address.</summary>
internal sealed class BlockedAddressException(string message) : HttpRequestException(message)
{
}

/// <summary>Creates the HTTP handlers that webhook requests go through.</summary>
internal static class WebhookHttp
{
    /// <summary>
    /// Creates a handler that checks addresses with <see cref="NetworkGuard"/>. It uses no proxy, because a proxy would
    /// connect on the server's behalf without the check, and follows no redirects, so every hop is the configured URL.
    /// </summary>
    public static SocketsHttpHandler CreateHandler(bool allowPrivateNetworks) => new()
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        UseCookies = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        ConnectTimeout = TimeSpan.FromSeconds(15),
        ConnectCallback = (context, cancellationToken) =>
            NetworkGuard.ConnectAsync(context.DnsEndPoint, allowPrivateNetworks, cancellationToken),
    };

    /// <summary>Finds a <see cref="BlockedAddressException"/> among an exception and its inner exceptions.</summary>
    public static BlockedAddressException? FindBlocked(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current is BlockedAddressException blocked)
            {
                return blocked;
            }
        }

        return null;
    }

    /// <summary>Wraps a connection failure for the user; a blocked address is permanent, other failures are transient.</summary>
    public static ConnectorException ToConnectorException(Exception exception, string action)
    {
        if (FindBlocked(exception) is { } blocked)
        {
            return new ConnectorException($"{action} failed: {blocked.Message}", isTransient: false, exception);
        }

        return new ConnectorException($"{action} failed: {exception.Message}", isTransient: true, exception);
    }
}
