package dev.bakery.local.gateway;

import dev.bakery.functions.live.ConnectionGoneException;
import dev.bakery.functions.live.ConnectionPoster;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/**
 * The open WebSocket sessions by connection id: what PostToConnection reaches in AWS. A frame to a
 * connection that is closed or unknown is {@link ConnectionGoneException} (API Gateway's 410).
 */
public final class LocalConnections implements ConnectionPoster {

    private static final long SEND_TIMEOUT_SECONDS = 10;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<String, Session> sessions = new ConcurrentHashMap<>();

    /** A new id shaped like API Gateway's ({@code L0SM9cOFvHcCIhw=}). */
    static String newId() {
        byte[] bytes = new byte[10];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).substring(0, 13) + "=";
    }

    void open(String connectionId, Session session) {
        sessions.put(connectionId, session);
    }

    void closed(String connectionId) {
        sessions.remove(connectionId);
    }

    @Override
    public void post(String connectionId, String text) {
        Session session = sessions.get(connectionId);
        if (session == null || !session.isOpen()) {
            throw new ConnectionGoneException(connectionId);
        }
        // One frame at a time per session: frames of one connection keep their order.
        synchronized (session) {
            Callback.Completable sent = new Callback.Completable();
            session.sendText(text, sent);
            try {
                sent.get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while sending to " + connectionId, e);
            } catch (ExecutionException | TimeoutException e) {
                if (!session.isOpen()) {
                    throw new ConnectionGoneException(connectionId);
                }
                throw new IllegalStateException("cannot send to connection " + connectionId + ": " + e.getMessage(), e);
            }
        }
    }
}
