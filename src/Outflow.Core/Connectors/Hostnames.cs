using System.Net;
using System.Net.Sockets;

namespace Outflow.Core.Connectors;

/// <summary>
/// Checks that a configured hostname names exactly one server, because database drivers such as Npgsql and
/// MySqlConnector also accept a Unix socket path, a comma-separated list of hosts and a "host:port" form.
/// </summary>
public static class Hostnames
{
    // A DNS name has at most 253 characters in text form and at most 63 in each label (RFC 1035).
    private const int MaxNameLength = 253;
    private const int MaxLabelLength = 63;

    /// <summary>
    /// Returns true when <paramref name="hostname"/> is an IPv4 address, an IPv6 address without brackets, or a
    /// DNS name made of ASCII letters, digits and hyphens in dot-separated labels.
    /// </summary>
    public static bool IsSingleHost(string hostname) => IsIpv6Address(hostname) || IsDnsName(hostname);

    /// <summary>
    /// Accepts IPv6 addresses, with an optional zone such as %eth0. IPAddress.TryParse alone would also accept
    /// "[::1]:5432", so the characters are checked first.
    /// </summary>
    private static bool IsIpv6Address(string hostname)
    {
        var zoneStart = hostname.IndexOf('%', StringComparison.Ordinal);
        var address = zoneStart < 0 ? hostname : hostname[..zoneStart];
        if (zoneStart >= 0)
        {
            var zone = hostname[(zoneStart + 1)..];
            if (zone.Length == 0 || !zone.All(char.IsAsciiLetterOrDigit))
            {
                return false;
            }
        }

        return address.Contains(':', StringComparison.Ordinal)
            && address.All(c => char.IsAsciiHexDigit(c) || c is ':' or '.')
            && IPAddress.TryParse(hostname, out var parsed)
            && parsed.AddressFamily == AddressFamily.InterNetworkV6;
    }

    /// <summary>Accepts DNS names, which include dotted IPv4 addresses such as 127.0.0.1.</summary>
    private static bool IsDnsName(string hostname)
    {
        if (hostname.Length > MaxNameLength)
        {
            return false;
        }

        foreach (var label in hostname.Split('.'))
        {
            var valid = label.Length is > 0 and <= MaxLabelLength
                && label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')
                && label[0] != '-'
                && label[^1] != '-';
            if (!valid)
            {
                return false;
            }
        }

        return true;
    }
}
