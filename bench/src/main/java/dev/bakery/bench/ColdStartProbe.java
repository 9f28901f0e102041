package dev.bakery.bench;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.bakery.functions.handler.RestApiHandler;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Runs in a fresh JVM on the Lambda jar, as Lambda would: construct the handler (reading its
 * environment, building its clients), then serve one POST /builds. Prints one JSON line of timings.
 *
 * <p>Only {@code java.base} is touched before the second request is served: JMX (for the JVM's start
 * time and the class count) is read afterwards, so it cannot warm anything the handler needs.
 */
public final class ColdStartProbe {

    private ColdStartProbe() {
    }

    public static void main(String[] args) throws Exception {
        long mainAt = System.currentTimeMillis();
        String body = Files.readString(Path.of(args[0]));
        long t0 = System.nanoTime();
        RestApiHandler handler = new RestApiHandler();
        long t1 = System.nanoTime();
        long initCpu = processCpuMs();
        long initMainThreadCpu = mainThreadCpuMs();
        APIGatewayProxyResponseEvent response = handler.handleRequest(submit(body, "bench-1"), null);
        long t2 = System.nanoTime();
        // Lambda's CPU share: what the process (all threads, JIT and GC included) used up to here.
        long cpu = processCpuMs();
        APIGatewayProxyResponseEvent second = handler.handleRequest(submit(body, "bench-2"), null);
        long t3 = System.nanoTime();
        long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
        System.out.printf("{\"jvmToMainMs\":%d,\"initMs\":%.1f,\"firstRequestMs\":%.1f,\"secondRequestMs\":%.1f,"
                + "\"cpuMs\":%d,\"initCpuMs\":%d,\"initMainThreadCpuMs\":%d,\"classes\":%d,\"status\":%d,\"secondStatus\":%d}%n", mainAt - jvmStart, (t1 - t0) / 1e6, (t2 - t1) / 1e6,
                (t3 - t2) / 1e6, cpu, initCpu, initMainThreadCpu, ManagementFactory.getClassLoadingMXBean().getTotalLoadedClassCount(),
                response.getStatusCode(), second.getStatusCode());
        if (response.getStatusCode() != 202 || second.getStatusCode() != 202) {
            System.err.println(response.getBody() + " / " + second.getBody());
        }
    }

    private static long processCpuMs() {
        return ProcessHandle.current().info().totalCpuDuration().orElse(Duration.ZERO).toMillis();
    }

    /**
     * CPU time of this (the main) thread, from Linux's {@code /proc/thread-self/stat} (utime and stime,
     * in 10 ms ticks), so that no JMX class is loaded before the measured requests. Init work moved to
     * other threads leaves this one: with a vCPU per thread, wall time follows this number.
     */
    private static long mainThreadCpuMs() throws java.io.IOException {
        String stat = Files.readString(Path.of("/proc/thread-self/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10;
    }

    private static APIGatewayProxyRequestEvent submit(String body, String requestId) {
        return new APIGatewayProxyRequestEvent().withHttpMethod("POST").withResource("/builds").withPath("/builds")
                .withBody(body).withRequestContext(new APIGatewayProxyRequestEvent.ProxyRequestContext()
                        .withRequestId(requestId).withIdentity(new APIGatewayProxyRequestEvent.RequestIdentity()
                                .withUserArn("arn:aws:sts::111122223333:assumed-role/bench/probe")));
    }
}
