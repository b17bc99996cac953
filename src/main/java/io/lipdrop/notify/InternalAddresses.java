package io.lipdrop.notify;

import java.net.InetAddress;
import java.util.List;

/**
 * The addresses a callback must not reach unless lipdrop.notify.allow names them: this host, the private networks,
 * link-local (with the cloud metadata service at 169.254.169.254), carrier-grade NAT, multicast and the like. A
 * drop's notify-url could otherwise make LipDrop post to services that trust their network.
 */
final class InternalAddresses {
    private static final List<IpRange> RANGES = List.of(
            "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24",
            "192.168.0.0/16", "198.18.0.0/15", "224.0.0.0/4", "240.0.0.0/4",
            "::/128", "::1/128", "64:ff9b::/96", "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8")
            .stream().map(IpRange::parse).toList();

    private InternalAddresses() {}

    /** What kind of internal address {@code a} is (for the refusal), or null for a public one. */
    static String kind(InetAddress address) {
        InetAddress a = IpRange.unmapped(address);
        if (a.isLoopbackAddress()) return "a loopback address";
        if (a.isLinkLocalAddress()) return "a link-local address";
        if (a.isAnyLocalAddress()) return "the unspecified address";
        if (a.isMulticastAddress()) return "a multicast address";
        if (a.isSiteLocalAddress()) return "a private address";
        for (IpRange r : RANGES) if (r.contains(a)) return "an internal address (" + r + ")";
        return null;
    }
}
