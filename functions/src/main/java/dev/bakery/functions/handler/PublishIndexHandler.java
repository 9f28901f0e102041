package dev.bakery.functions.handler;

import dev.bakery.core.Environment;
import dev.bakery.functions.wiring.AwsEdges;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.bakery.functions.index.IndexPublication;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The state machine's "Publish multi-arch index" task. Input {@code {"buildId": ...}}; output
 * {@code {"published": true, "indexDigest": ..., "destinations": [...]}}, or {@code {"published": false}}
 * for a single-image build. Wiring only: the work is {@link IndexPublication}'s.
 */
public final class PublishIndexHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {

    static {
        TlsTrustWarmUp.start(); // first: the rest of this class's initialisation runs meanwhile
    }

    private final IndexPublication publication;

    /** Lambda's constructor: reads {@code TABLE_NAME} and {@code AWS_REGION}. */
    public PublishIndexHandler() {
        this(AwsEdges.controlPlane(Environment.system()).indexPublication());
    }

    /** With its publication given: the local mode's registries and secrets. */
    public PublishIndexHandler(IndexPublication publication) {
        this.publication = publication;
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
        Object id = input == null ? null : input.get("buildId");
        if (!(id instanceof String buildId) || buildId.isBlank()) {
            throw new IllegalArgumentException("the input needs a buildId, got " + input);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        publication.publish(buildId).ifPresentOrElse(published -> {
            out.put("published", true);
            out.put("indexDigest", published.digest());
            out.put("destinations", published.destinations().stream().map(Object::toString).toList());
        }, () -> out.put("published", false));
        return out;
    }
}
