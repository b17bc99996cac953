package io.lipdrop.notify;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * An IP address or CIDR block ({@code 10.0.0.0/8}, {@code fd00::/8}, {@code 127.0.0.1}), matched on the address
 * bytes. No CIDR library is on the classpath (no Guava, no commons-net), and this is a few lines. An IPv4 address
 * written IPv6-mapped ({@code ::ffff:127.0.0.1}) is matched as the IPv4 address it is, so the mapped form of a
 * refused address is refused too.
 */
record IpRange(byte[] network, int bits) {
    private static final Pattern V4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    /** Parses a literal address or CIDR, never a host name (no DNS lookup); null when {@code text} is neither. */
    static IpRange parse(String text) {
        String t = text.trim();
        int slash = t.indexOf('/');
        String address = slash < 0 ? t : t.substring(0, slash);
        InetAddress a = literal(address);
        if (a == null) return null;
        byte[] bytes = a.getAddress();
        int max = bytes.length * 8, bits;
        try {
            bits = slash < 0 ? max : Integer.parseInt(t.substring(slash + 1));
        } catch (NumberFormatException e) {
            return null;
        }
        // a mapped IPv6 form (::ffff:10.0.0.0/104) arrives as its IPv4 address: its prefix counts in IPv4 bits then
        if (a instanceof Inet4Address && address.contains(":") && slash >= 0) bits -= 96;
        if (bits < 0 || bits > max) return null;
        return new IpRange(mask(bytes, bits), bits);
    }

    /** An IPv4 or IPv6 literal (brackets allowed) as an address, or null; never a lookup. */
    static InetAddress literal(String text) {
        String t = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        boolean v4 = V4.matcher(t).matches();
        if (v4) {
            for (String octet : t.split("\\.")) if (Integer.parseInt(octet) > 255) return null;
        } else if (!(t.contains(":") && t.matches("[0-9A-Fa-f:.]+"))) {
            return null;
        }
        try {
            // a checked IPv4 literal, or an IPv6 one in brackets, is parsed and never looked up in DNS
            return InetAddress.getByName(v4 ? t : "[" + t + "]");
        } catch (UnknownHostException e) {
            return null;
        }
    }

    boolean contains(InetAddress a) {
        byte[] b = unmapped(a).getAddress();
        if (b.length != network.length) return false;
        byte[] masked = mask(b, bits);
        return java.util.Arrays.equals(masked, network);
    }

    /** The IPv4 address inside an IPv4-mapped or IPv4-compatible IPv6 address; otherwise the address itself. */
    static InetAddress unmapped(InetAddress a) {
        if (!(a instanceof Inet6Address)) return a;
        byte[] b = a.getAddress();
        for (int i = 0; i < 10; i++) if (b[i] != 0) return a;
        boolean mapped = (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
        boolean compatible = b[10] == 0 && b[11] == 0 && (b[12] | b[13]) != 0; // ::a.b.c.d, but not :: or ::1
        if (!mapped && !compatible) return a;
        try {
            return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four bytes are an IPv4 address", e);
        }
    }

    private static byte[] mask(byte[] bytes, int bits) {
        byte[] m = bytes.clone();
        for (int i = 0; i < m.length; i++) {
            int keep = Math.max(0, Math.min(8, bits - i * 8));
            m[i] &= (byte) (0xff00 >> keep);
        }
        return m;
    }

    @Override
    public String toString() {
        try {
            String a = InetAddress.getByAddress(network).getHostAddress();
            return bits == network.length * 8 ? a : a + "/" + bits;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IpRange r && r.bits == bits && java.util.Arrays.equals(r.network, network);
    }

    @Override
    public int hashCode() { return java.util.Arrays.hashCode(network) * 31 + bits; }
}
