package dev.bakery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bakery.cli.api.BakeryApi;
import dev.bakery.cli.api.Endpoint;
import dev.bakery.cli.api.RequestSigner;
import dev.bakery.cli.api.Transport;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Only a stop cancels: a command that ends by itself leaves its builds running and says how to reach them. */
class ActiveBuildsTest {

    @Test
    void aCommandEndingOnItsOwnLeavesItsBuildsRunning() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ActiveBuilds active = new ActiveBuilds(new PrintStream(err, true, StandardCharsets.UTF_8));
        // An API nobody answers: cancelAll would fail loudly if it called it.
        BakeryApi nowhere = new BakeryApi(new Endpoint(URI.create("http://127.0.0.1:9"), null, RequestSigner.NONE),
                new Transport(Transport.defaultClient(), Transport.Retry.NONE));
        active.started("b-20261122T100000-abcdefgh-web", nowhere);

        active.leave();
        active.cancelAll();

        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("bakery: build b-20261122T100000-abcdefgh-web is still"
                + " running: follow it with `bakery logs b-20261122T100000-abcdefgh-web --follow`, stop it with"
                + " `bakery cancel b-20261122T100000-abcdefgh-web`\n");
    }
}
