package io.lipdrop.notify;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;

/**
 * Decides, right before a post, which address it goes to: the URL's host must be allowed ({@link AllowedTargets}),
 * and its name is resolved here once; an internal address is refused unless lipdrop.notify.allow lists it (or the
 * URL is lipdrop.notify.url's own origin). The post then connects to the address returned, so a DNS answer that
 * changes after this check (rebinding) is never asked for.
 */
final class TargetCheck {
    /** The reason a callback may not be sent at all; final, not retried. */
    static final class Refused extends Exception {
        Refused(String why) { super(why); }
    }

    /** How names are resolved: the system's resolver, or a fixed one in tests. */
    interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private final AllowedTargets allowed;
    private final Resolver resolver;

    TargetCheck(AllowedTargets allowed, Resolver resolver) {
        this.allowed = allowed;
        this.resolver = resolver;
    }

    /** @throws UnknownHostException the name does not resolve now (worth another try later) */
    InetAddress addressFor(URI url) throws Refused, UnknownHostException {
        String host = AllowedTargets.host(url);
        if (!allowed.allowsUrl(url)) {
            throw new Refused("its host " + host + " is not allowed (set lipdrop.notify.allow to allow it)");
        }
        InetAddress literal = IpRange.literal(host);
        InetAddress[] all = literal != null ? new InetAddress[] {literal} : resolver.resolve(host);
        if (all.length == 0) throw new UnknownHostException(host);
        String refusal = null;
        for (InetAddress a : all) {
            String kind = InternalAddresses.kind(a);
            if (kind == null || allowed.listsAddress(a) || allowed.isOperatorOrigin(url)) return a;
            if (refusal == null) refusal = host + " resolves to " + a.getHostAddress() + ", " + kind;
        }
        throw new Refused(refusal + " that lipdrop.notify.allow does not list (list the address or its CIDR to allow it)");
    }
}
