package io.lipdrop.notify;

import java.net.InetAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Where callbacks may go: lipdrop.notify.allow (hosts, {@code .domain} or {@code *.domain} for any subdomain, IP
 * addresses, CIDRs) and the origin (host and port) of lipdrop.notify.url, which the operator wrote and so is trusted
 * as a whole. A drop's notify-url must name an allowed host as written: a host name by a name or domain entry, an
 * IP literal by an address or CIDR entry. Names and addresses are separate on purpose: a name in the list allows that
 * name, and where it resolves to an internal address (see {@link InternalAddresses}) that address must be listed too,
 * so a listed name whose DNS is changed cannot lead into the private network.
 */
public final class AllowedTargets {
    private static final Pattern HOST = Pattern.compile("[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*");

    private final Set<String> hosts = new LinkedHashSet<>();
    private final Set<String> domains = new LinkedHashSet<>();
    private final List<IpRange> ranges = new ArrayList<>();
    private final String operatorHost;
    private final int operatorPort;
    private final List<String> shown = new ArrayList<>();

    private AllowedTargets(String operatorUrl) {
        URI u = operatorUrl.isEmpty() ? null : URI.create(operatorUrl);
        this.operatorHost = u == null ? null : host(u);
        this.operatorPort = u == null ? -1 : port(u);
        if (u != null) shown.add(operatorHost + ":" + operatorPort + " (lipdrop.notify.url)");
    }

    /**
     * @param list        lipdrop.notify.allow, comma-separated
     * @param operatorUrl lipdrop.notify.url (empty: none), already checked to be an http(s) URL with a host
     * @throws IllegalArgumentException naming the first entry that is neither a host, a domain, an address nor a CIDR
     */
    public static AllowedTargets parse(String list, String operatorUrl) {
        AllowedTargets t = new AllowedTargets(operatorUrl);
        for (String raw : list.split(",")) {
            String e = raw.trim().toLowerCase(Locale.ROOT);
            if (e.isEmpty()) continue;
            IpRange range = IpRange.parse(e);
            String domain = e.startsWith("*.") ? e.substring(2) : e.startsWith(".") ? e.substring(1) : null;
            if (range != null) {
                t.ranges.add(range);
                t.shown.add(range.toString());
            } else if (domain != null && HOST.matcher(domain).matches() && domain.contains(".")) {
                t.domains.add(domain);
                t.shown.add("*." + domain);
            } else if (HOST.matcher(stripDot(e)).matches() && !e.matches("[0-9.]+")) {
                t.hosts.add(stripDot(e));
                t.shown.add(stripDot(e));
            } else {
                throw new IllegalArgumentException("lipdrop.notify.allow: '" + raw.trim() + "' is not a host, a domain, an IP address "
                        + "or a CIDR (write for example hooks.example.com, .example.com, 10.1.0.0/16, fd00::/8; comma-separated)");
            }
        }
        return t;
    }

    /** Whether a URL's host (and, for lipdrop.notify.url's origin, its port) is allowed as written; no DNS lookup. */
    public boolean allowsUrl(URI url) {
        String host = host(url);
        if (isOperatorOrigin(url)) return true;
        InetAddress literal = IpRange.literal(host);
        if (literal != null) return listsAddress(literal);
        if (hosts.contains(host)) return true;
        for (String d : domains) if (host.endsWith("." + d)) return true;
        return false;
    }

    /** lipdrop.notify.url's host and port: trusted, whatever the name resolves to. */
    boolean isOperatorOrigin(URI url) {
        return operatorHost != null && operatorHost.equals(host(url)) && operatorPort == port(url);
    }

    /** Whether an address or CIDR entry names {@code a} (a resolved internal address needs this). */
    boolean listsAddress(InetAddress a) {
        for (IpRange r : ranges) if (r.contains(a)) return true;
        return false;
    }

    /** For the start-up line: what callbacks may reach. */
    public String describe() {
        return shown.isEmpty() ? "nowhere (no lipdrop.notify.url and an empty lipdrop.notify.allow)" : String.join(", ", shown);
    }

    /** The host as matched: lower case, without IPv6 brackets or a trailing dot. */
    static String host(URI u) {
        return u.getHost() == null ? "" : normalised(u.getHost()); // no server-based host (http://127.1/): nothing is allowed
    }

    /** A host name as matched: lower case, without IPv6 brackets or a trailing dot. */
    static String normalised(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) h = h.substring(1, h.length() - 1);
        return stripDot(h);
    }

    static int port(URI u) {
        return u.getPort() >= 0 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }

    private static String stripDot(String h) { return h.endsWith(".") ? h.substring(0, h.length() - 1) : h; }
}
