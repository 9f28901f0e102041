package dev.bakery.local;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Loopback ports, checked before a server binds them so a taken one gets a useful sentence. */
public final class Ports {

    private Ports() {
    }

    /** {@code port} when it is free on 127.0.0.1 (0: a free one picked now), else {@code taken}. */
    public static int claim(int port, UserError taken) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
            return probe.getLocalPort();
        } catch (IOException e) {
            throw taken;
        }
    }
}
