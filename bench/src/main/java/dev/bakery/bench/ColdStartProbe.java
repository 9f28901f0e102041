package dev.bakery.bench;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.bakery.functions.handler.RestApiHandler;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs in a fresh JVM on the Lambda jar, as Lambda would: construct the handler (reading its
 * environment, building its clients), then serve one POST /builds. Prints one JSON line of timings.
 */
public final class ColdStartProbe {

    private ColdStartProbe() {
    }

    public static void main(String[] args) throws Exception {
        long mainAt = System.currentTimeMillis();
        long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
        String body = Files.readString(Path.of(args[0]));
        long t0 = System.nanoTime();
        RestApiHandler handler = new RestApiHandler();
        long t1 = System.nanoTime();
        APIGatewayProxyRequestEvent event = new APIGatewayProxyRequestEvent().withHttpMethod("POST").withResource("/builds")
                .withPath("/builds").withBody(body).withRequestContext(new APIGatewayProxyRequestEvent.ProxyRequestContext()
                        .withRequestId("bench").withIdentity(new APIGatewayProxyRequestEvent.RequestIdentity()
                                .withUserArn("arn:aws:sts::111122223333:assumed-role/bench/probe")));
        APIGatewayProxyResponseEvent response = handler.handleRequest(event, null);
        long t2 = System.nanoTime();
        System.out.printf("{\"jvmToMainMs\":%d,\"initMs\":%.1f,\"firstRequestMs\":%.1f,\"status\":%d}%n",
                mainAt - jvmStart, (t1 - t0) / 1e6, (t2 - t1) / 1e6, response.getStatusCode());
        if (response.getStatusCode() != 202) {
            System.err.println(response.getBody());
        }
    }
}
