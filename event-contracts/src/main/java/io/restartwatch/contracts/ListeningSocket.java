package io.restartwatch.contracts;

/**
 * A socket a server listens on, read from {@code /proc/net/tcp}, {@code tcp6}, {@code udp}, {@code udp6}.
 *
 * @param protocol {@code tcp} or {@code udp}
 * @param address  the local address, e.g. {@code 0.0.0.0}, {@code ::}, {@code 127.0.0.1}
 * @param port     1–65535
 */
public record ListeningSocket(String protocol, String address, int port) {

    /** True when the socket accepts connections on every interface, not only loopback or one address. */
    public boolean wildcard() {
        return "0.0.0.0".equals(address) || "::".equals(address) || "*".equals(address);
    }

    /** True when only the server itself can connect. */
    public boolean loopback() {
        return address != null && (address.startsWith("127.") || "::1".equals(address));
    }
}
