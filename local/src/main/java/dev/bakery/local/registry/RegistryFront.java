package dev.bakery.local.registry;

import dev.bakery.local.UserError;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.InputStreamResponseListener;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.Transport;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * The local registry's door on {@code 127.0.0.1:PORT}, in front of docker-registry on a Unix socket
 * in the data dir (which only the run's owner can reach). Reads ({@code GET}, {@code HEAD}) pass as
 * they come, so anyone on the machine pulls anonymously, as from any registry without auth; writes
 * (pushes, tag overwrites, deletes) need HTTP Basic with the run's registry login. {@code GET /v2/}
 * without that login answers docker-registry's 401 Basic challenge, which is what makes clients
 * (buildah, docker) send their login with the writes that follow; without one they still pull.
 * Bodies are streamed both ways, never held.
 */
public final class RegistryFront implements AutoCloseable {

    /** Headers about this hop's connection, not the request. */
    private static final Set<String> HOP = Set.of("connection", "keep-alive", "transfer-encoding", "te", "upgrade",
            "proxy-authorization", "proxy-connection", "host");
    private static final long TIMEOUT_MINUTES = 30;

    private final Server jetty;
    private final ServerConnector connector;
    private final HttpClient client;

    private RegistryFront(Server jetty, ServerConnector connector, HttpClient client) {
        this.jetty = jetty;
        this.connector = connector;
        this.client = client;
    }

    /**
     * @param socket docker-registry's Unix socket
     * @param login  {@code username:password}, the only Basic credentials that may write
     */
    public static RegistryFront start(int port, Path socket, String login) {
        Server jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        jetty.addConnector(connector);
        HttpClient client = new HttpClient();
        client.setFollowRedirects(false);
        byte[] expected = ("Basic " + Base64.getEncoder().encodeToString(login.getBytes(StandardCharsets.UTF_8)))
                .getBytes(StandardCharsets.UTF_8);
        jetty.setHandler(new Forward(client, new Transport.TCPUnix(socket), expected));
        try {
            client.start();
            jetty.start();
        } catch (Exception e) {
            stopQuietly(jetty, client);
            if (e instanceof IOException && e.getMessage() != null && e.getMessage().contains("Failed to bind")) {
                throw new UserError("port " + port + " for the local registry is taken: pass --registry-port N, "
                        + "or --registry HOST:PORT to use a registry that is already running");
            }
            throw new IllegalStateException("cannot start the local registry's front: " + e.getMessage(), e);
        }
        return new RegistryFront(jetty, connector, client);
    }

    /** {@code 127.0.0.1:PORT}, as it appears in image references. */
    public String host() {
        return "127.0.0.1:" + connector.getLocalPort();
    }

    @Override
    public void close() {
        stopQuietly(jetty, client);
    }

    private static void stopQuietly(Server jetty, HttpClient client) {
        try {
            jetty.stop();
            client.stop();
        } catch (Exception ignored) {
            // stopping: nothing left to do
        }
    }

    private static final class Forward extends Handler.Abstract {
        private final HttpClient client;
        private final Transport upstream;
        private final byte[] expected;

        Forward(HttpClient client, Transport upstream, byte[] expected) {
            this.client = client;
            this.upstream = upstream;
            this.expected = expected;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            String method = request.getMethod();
            String path = request.getHttpURI().getPathQuery();
            String authorization = request.getHeaders().get(HttpHeader.AUTHORIZATION);
            boolean loggedIn = authorization != null
                    && MessageDigest.isEqual(expected, authorization.getBytes(StandardCharsets.UTF_8));
            boolean read = (method.equals("GET") || method.equals("HEAD")) && !Request.getPathInContext(request).equals("/v2/");
            if (!loggedIn && !read) {
                response.setStatus(401);
                response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Basic realm=\"bakery-local registry\"");
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
                response.getHeaders().put("Docker-Distribution-Api-Version", "registry/2.0");
                String why = authorization == null ? "pushing to bakery-local's registry needs the run's registry login"
                        : "wrong login for bakery-local's registry";
                Content.Sink.write(response, true, "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"" + why
                        + " (\\\"registryLogin\\\" in the data dir's endpoint.json); pulls need none\"}]}\n", callback);
                return true;
            }
            org.eclipse.jetty.client.Request forward = client.newRequest("http://localhost" + path).transport(upstream)
                    .method(method).timeout(TIMEOUT_MINUTES, TimeUnit.MINUTES);
            forward.headers(headers -> {
                headers.remove(HttpHeader.USER_AGENT);
                headers.remove(HttpHeader.ACCEPT_ENCODING);
                for (HttpField field : request.getHeaders()) {
                    // The length goes with the body (Body#getLength); the login stays here.
                    if (!HOP.contains(field.getLowerCaseName()) && field.getHeader() != HttpHeader.AUTHORIZATION
                            && field.getHeader() != HttpHeader.CONTENT_LENGTH) {
                        headers.add(field);
                    }
                }
            });
            forward.body(new Body(request));
            InputStreamResponseListener answer = new InputStreamResponseListener();
            forward.send(answer);
            org.eclipse.jetty.client.Response got = answer.get(TIMEOUT_MINUTES, TimeUnit.MINUTES);
            response.setStatus(got.getStatus());
            for (HttpField field : got.getHeaders()) {
                if (!HOP.contains(field.getLowerCaseName())) {
                    response.getHeaders().add(field);
                }
            }
            try (InputStream in = answer.getInputStream(); OutputStream out = Content.Sink.asOutputStream(response)) {
                in.transferTo(out);
            }
            callback.succeeded();
            return true;
        }
    }

    /** The incoming request's body as the forwarded request's, streamed, with its length and type. */
    private static final class Body implements org.eclipse.jetty.client.Request.Content {
        private final Request request;

        Body(Request request) {
            this.request = request;
        }

        @Override
        public String getContentType() {
            return request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        }

        @Override
        public long getLength() {
            return request.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH);
        }

        @Override
        public Content.Chunk read() {
            return request.read();
        }

        @Override
        public void demand(Runnable demandCallback) {
            request.demand(demandCallback);
        }

        @Override
        public void fail(Throwable failure) {
            request.fail(failure);
        }
    }
}
