package dev.bakery.functions.handler;

import dev.bakery.core.Environment;
import dev.bakery.functions.wiring.AwsEdges;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.CloudWatchLogsEvent;
import dev.bakery.functions.live.LogForwarder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agents' log group's subscription target: decodes {@code awslogs.data} and forwards the lines to the
 * WebSocket subscribers of their builds. Wiring only: the work is {@link LogForwarder}'s. Environment:
 * {@code WEBSOCKET_ENDPOINT} (the management endpoint, {@code https://{api-id}.execute-api.{region}.amazonaws.com/{stage}}),
 * {@code TABLE_NAME}, {@code AWS_REGION}. A thrown exception makes Lambda retry the (asynchronous)
 * invocation; clients drop the lines they already have by their event id.
 */
public final class LogForwarderHandler implements RequestHandler<CloudWatchLogsEvent, LogForwarder.Result> {

    static {
        TlsTrustWarmUp.start(); // first: the rest of this class's initialisation runs meanwhile
    }

    private static final Logger LOG = LoggerFactory.getLogger(LogForwarderHandler.class);

    private final LogForwarder forwarder;

    /** Lambda's constructor; clients are built here, once per execution environment. */
    public LogForwarderHandler() {
        this(AwsEdges.controlPlane(Environment.system()).logForwarder());
    }

    public LogForwarderHandler(LogForwarder forwarder) {
        this.forwarder = forwarder;
    }

    @Override
    public LogForwarder.Result handleRequest(CloudWatchLogsEvent event, Context context) {
        if (event == null || event.getAwsLogs() == null) {
            throw new IllegalArgumentException("not a CloudWatch Logs subscription event: no awslogs");
        }
        LogForwarder.Result result = forwarder.forward(event.getAwsLogs().getData());
        LOG.info("forwarded {} lines ({} skipped) in {} messages; {} gone subscriptions removed",
                result.lines(), result.skipped(), result.messagesPosted(), result.goneRemoved());
        return result;
    }
}
