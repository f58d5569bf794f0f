package io.restartwatch.contracts;

import java.util.List;

/**
 * A listening port and the source ranges a firewall lets reach it, e.g. 443/tcp from {@code 0.0.0.0/0}.
 *
 * @param port     1–65535
 * @param protocol {@code tcp} or {@code udp}
 * @param sources  CIDR ranges allowed to connect; {@code 0.0.0.0/0} and {@code ::/0} mean anywhere
 */
public record OpenPort(int port, String protocol, List<String> sources) {

    public static final String ANYWHERE_V4 = "0.0.0.0/0";
    public static final String ANYWHERE_V6 = "::/0";

    public OpenPort {
        sources = sources == null ? List.of() : List.copyOf(sources);
    }

    /** True when anyone on the internet may connect. */
    public boolean openToAnywhere() {
        return sources.stream().anyMatch(s -> ANYWHERE_V4.equals(s.trim()) || ANYWHERE_V6.equals(s.trim()));
    }
}
