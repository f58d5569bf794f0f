package io.restartwatch.notification.webhook;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

/** DNS as the SSRF guard sees it: a bean of its own so tests can stand in for DNS answers that change. */
@ApplicationScoped
public class HostResolver {

    /** Every address {@code host} (a name or a literal, IPv6 without brackets) resolves to right now. */
    public List<InetAddress> resolve(String host) throws UnknownHostException {
        return List.of(InetAddress.getAllByName(host));
    }
}
