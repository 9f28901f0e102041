package dev.bakery.functions.handler;

import dev.bakery.functions.testing.LambdaContexts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

/**
 * Run by {@link LambdaJarLoggingIT} on the Lambda jar: logs as a handler does inside Powertools'
 * request scope, one line with a build id and one error with its exception.
 */
public final class LambdaJarLogProbe {

    private LambdaJarLogProbe() {
    }

    public static void main(String[] args) {
        Logger log = LoggerFactory.getLogger("dev.bakery.functions.probe");
        PowertoolsLogging.withLogging(LambdaContexts.forRequest("probe-request-1"), () -> {
            MDC.put("buildId", "b-20261122T000000-probe001");
            log.info("build submitted by {}", "arn:aws:iam::111122223333:user/probe");
            MDC.remove("buildId");
            log.error("unexpected error", new IllegalStateException("the probe failed on purpose"));
            return null;
        });
    }
}
