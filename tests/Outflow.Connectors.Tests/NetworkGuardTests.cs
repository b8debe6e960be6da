using System.Net;
using Outflow.Connectors.Webhook;

namespace Outflow.Connectors.Tests;

/// <summary>Classification of addresses by <see cref="NetworkGuard.FindBlockedRange"/>; nothing connects anywhere.</summary>
public sealed class NetworkGuardTests
{
    public static TheoryData<string, string> BlockedAddresses => new()
    {
        { "0.0.0.0", "unspecified" },
        { "0.1.2.3", "0.0.0.0/8" },
        { "10.1.2.3", "10.0.0.0/8" },
        { "100.64.0.1", "100.64.0.0/10" },
        { "100.127.255.255", "100.64.0.0/10" },
        { "127.0.0.1", "loopback" },
        { "127.255.0.9", "loopback" },
        { "169.254.169.254", "169.254.0.0/16" },
        { "172.16.0.1", "172.16.0.0/12" },
        { "172.31.255.255", "172.16.0.0/12" },
        { "192.0.0.8", "192.0.0.0/24" },
        { "192.168.1.1", "192.168.0.0/16" },
        { "198.18.0.1", "198.18.0.0/15" },
        { "198.19.255.255", "198.18.0.0/15" },
        { "224.0.0.1", "224.0.0.0/4" },
        { "239.255.255.250", "224.0.0.0/4" },
        { "240.0.0.1", "240.0.0.0/4" },
        { "255.255.255.255", "255.255.255.255" },
        { "::", "unspecified" },
        { "::1", "loopback" },
        { "::ffff:127.0.0.1", "loopback" },
        { "::ffff:10.0.0.1", "10.0.0.0/8" },
        { "::127.0.0.1", "::/96" },
        { "::8.8.8.8", "::/96" },
        { "64:ff9b::127.0.0.1", "NAT64 address that embeds 127.0.0.1, a loopback address" },
        { "64:ff9b::a9fe:a9fe", "NAT64 address that embeds 169.254.169.254" },
        { "64:ff9b::192.168.0.1", "192.168.0.0/16" },
        { "64:ff9b:1::1", "64:ff9b:1::/48" },
        { "64:ff9b:1:ffff::8.8.8.8", "64:ff9b:1::/48" },
        { "2002:7f00:1::", "6to4 address that embeds 127.0.0.1, a loopback address" },
        { "2002:a9fe:a9fe::1", "169.254.0.0/16" },
        { "2002:0a00:0001::", "10.0.0.0/8" },
        { "2001::1", "2001::/32" },
        { "2001:0:4136:e378:8000:63bf:3fff:fdd2", "Teredo" },
        { "ff02::1", "ff00::/8" },
        { "ff0e::1", "ff00::/8" },
        { "fc00::1", "fc00::/7" },
        { "fd12:3456::1", "fc00::/7" },
        { "fe80::1", "fe80::/10" },
        { "febf::1", "fe80::/10" },
        { "fec0::1", "fec0::/10" },
        { "feff::1", "fec0::/10" },
    };

    public static TheoryData<string> PublicAddresses => new()
    {
        "8.8.8.8",
        "1.1.1.1",
        "100.63.255.255",
        "100.128.0.0",
        "172.15.255.255",
        "172.32.0.0",
        "192.0.1.1",
        "192.169.0.1",
        "198.17.255.255",
        "198.20.0.0",
        "223.255.255.255",
        "2606:4700::1111",
        "2001:4860:4860::8888",
        "::ffff:8.8.8.8",
        "64:ff9b::8.8.8.8",
        "2002:0808:0808::1",
    };

    [Theory]
    [MemberData(nameof(BlockedAddresses))]
    public void BlockedAddressNamesRange(string address, string expected)
    {
        var range = NetworkGuard.FindBlockedRange(IPAddress.Parse(address));

        Assert.NotNull(range);
        Assert.Contains(expected, range, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(PublicAddresses))]
    public void PublicAddressIsAllowed(string address)
    {
        Assert.Null(NetworkGuard.FindBlockedRange(IPAddress.Parse(address)));
    }
}
