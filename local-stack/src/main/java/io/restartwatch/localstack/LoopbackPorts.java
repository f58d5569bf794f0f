package io.restartwatch.localstack;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free ports for processes a test or benchmark starts later. {@code new ServerSocket(0)} hands out ports from
 * the kernel's ephemeral range, the same range every outgoing connection takes its source port from: between
 * picking a port and the process binding it, a Kafka or JDBC client connection may already own it, and the
 * process dies with "address already in use". Ports below the ephemeral range (32768 on Linux) are never
 * taken implicitly, and a port is handed out at most once per JVM.
 */
public final class LoopbackPorts {

    private static final int LOWEST = 20_000;
    private static final int HIGHEST = 32_767;
    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    private LoopbackPorts() {
    }

    /** A port nobody listens on now, never returned before by this JVM, outside the ephemeral range. */
    public static synchronized int reserve() {
        for (int attempt = 0; attempt < 1_000; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(LOWEST, HIGHEST + 1);
            if (!HANDED_OUT.contains(port) && bindable(port)) {
                HANDED_OUT.add(port);
                return port;
            }
        }
        throw new IllegalStateException("No free port between " + LOWEST + " and " + HIGHEST);
    }

    private static boolean bindable(int port) {
        // The wildcard address: a service listening on 0.0.0.0 conflicts with anything on that port.
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(port));
            return true;
        } catch (IOException taken) {
            return false;
        }
    }
}
