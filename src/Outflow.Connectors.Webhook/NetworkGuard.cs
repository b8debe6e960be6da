using System.Net;
using System.Net.Sockets;
using Outflow.Core.Connectors;

namespace Outflow.Connectors.Webhook;

/// <summary>
/// Rejects connections to loopback, private, link-local and unspecified addresses. The check runs when a connection
/// opens, on every address the host name resolves to. The socket then connects only to the checked addresses, so a
/// DNS response that changes between validation and connection (DNS rebinding) cannot reach a blocked address.
/// </summary>
internal static class NetworkGuard
{
    /// <summary>Returns why an address is blocked (for example "a loopback address"), or null when it is public.</summary>
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

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var bytes = address.GetAddressBytes();
            return bytes[0] switch
            {
                0 => "an address of the \"this network\" range 0.0.0.0/8",
                10 => "a private address (10.0.0.0/8)",
                172 when bytes[1] >= 16 && bytes[1] <= 31 => "a private address (172.16.0.0/12)",
                192 when bytes[1] == 168 => "a private address (192.168.0.0/16)",
                169 when bytes[1] == 254 => "a link-local address (169.254.0.0/16)",
                100 when bytes[1] >= 64 && bytes[1] <= 127 => "a shared address (100.64.0.0/10)",
                _ => null,
            };
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var bytes = address.GetAddressBytes();
            if ((bytes[0] & 0xFE) == 0xFC)
            {
                return "a private address (fc00::/7)";
            }

            if (address.IsIPv6LinkLocal)
            {
                return "a link-local address (fe80::/10)";
            }

            if (address.IsIPv6SiteLocal)
            {
                return "a site-local address (fec0::/10)";
            }
        }

        return null;
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
