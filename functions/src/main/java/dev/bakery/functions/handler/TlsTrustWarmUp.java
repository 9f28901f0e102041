package dev.bakery.functions.handler;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * Loads the JDK's TLS trust store on a second thread while the handler class initialises (Log4j's
 * start-up) on the first. Every SDK client's HTTP client needs it: about 150 root certificates to
 * parse, a tenth of a cold start in ColdStartBench. The JDK keeps the loaded store for the next
 * trust manager as long as one holds it, so the clients built a moment later find it ready. No work
 * is added, only moved: with one vCPU during init nothing changes; with more, init is shorter.
 */
final class TlsTrustWarmUp {

    /** Holds the certificates between the warm-up and the clients (the JDK's cache of them is weak). */
    private static volatile TrustManager[] loaded;

    private TlsTrustWarmUp() {
    }

    static void start() {
        Thread.ofPlatform().name("tls-trust-warm-up").daemon().start(() -> {
            try {
                TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                factory.init((KeyStore) null);
                loaded = factory.getTrustManagers();
                SSLContext.getInstance("TLS");
            } catch (GeneralSecurityException e) {
                // Nothing to report here: the HTTP client's own start-up meets the same problem and says so.
            }
        });
    }
}
