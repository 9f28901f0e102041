package dev.bakery.cli.output;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.bakery.cli.follow.FollowListener;
import dev.bakery.core.BuildPlan;
import dev.bakery.core.live.LiveMessage;
import java.io.PrintStream;
import java.util.List;

/**
 * {@code json}: one JSON object per line, each with a {@code type}: {@code info}, {@code submitted},
 * {@code log} (the live message's line fields), {@code status}, {@code notice} and, per build at the
 * end, {@code result} (status, digest, console URL, the tasks of the live {@code done} summary each with its
 * estimated {@code cost}, the build's {@code cost} and its {@code timeline} of phases).
 */
final class JsonRenderer implements Renderer {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final PrintStream out;

    JsonRenderer(PrintStream out) {
        this.out = out;
    }

    @Override
    public void info(String text) {
        print(object("info").put("message", text));
    }

    @Override
    public void submitted(String service, String buildId, String consoleUrl) {
        print(object("submitted").put("service", service).put("buildId", buildId).put("consoleUrl", consoleUrl));
    }

    @Override
    public FollowListener build(String service, String buildId, BuildPlan plan, boolean showService) {
        return new FollowListener() {
            @Override
            public void line(LiveMessage.Line line) {
                ObjectNode node = object("log").put("service", service).put("buildId", buildId);
                node.setAll((ObjectNode) JSON.valueToTree(line));
                print(node);
            }

            @Override
            public void status(LiveMessage.Status status) {
                ObjectNode node = object("status").put("service", service);
                node.setAll((ObjectNode) JSON.valueToTree(status));
                print(node);
            }

            @Override
            public void notice(String text) {
                print(object("notice").put("service", service).put("buildId", buildId).put("message", text));
            }
        };
    }

    @Override
    public void summary(List<BuildResult> results) {
        for (BuildResult result : results) {
            ObjectNode node = object("result").put("service", result.service()).put("buildId", result.buildId())
                    .put("status", result.status()).put("digest", result.digest().orElse(null))
                    .put("consoleUrl", result.consoleUrl());
            if (result.done() != null) {
                ArrayNode tasks = node.putArray("tasks");
                for (LiveMessage.DoneTask task : result.done().tasks()) {
                    ObjectNode item = JSON.valueToTree(task);
                    result.estimate(task).ifPresent(e -> item.putObject("cost").put("usd", e.usd()).put("pricing", e.pricing())
                            .put("vcpu", e.vcpu()).put("gb", e.gb()).put("billedSeconds", e.billedSeconds())
                            .put("vcpuSeconds", e.vcpuSeconds()).put("gbSeconds", e.gbSeconds()));
                    tasks.add(item);
                }
                node.putObject("cost").put("usd", result.estimatedUsd()).put("region", result.pricing().region())
                        .put("pricedAs", result.pricing().pricedAs()).put("basis", result.pricing().describe());
            }
            if (result.timeline() != null) {
                ArrayNode timeline = node.putArray("timeline");
                for (Timeline.Phase phase : result.timeline().phases()) {
                    timeline.addObject().put("lane", phase.lane()).put("phase", phase.name())
                            .put("start", phase.start().toString()).put("end", phase.end().toString())
                            .put("startMs", phase.start().toEpochMilli() - result.timeline().submitted().toEpochMilli())
                            .put("ms", phase.millis());
                }
            }
            print(node);
        }
    }

    private static ObjectNode object(String type) {
        return JSON.createObjectNode().put("type", type);
    }

    private synchronized void print(ObjectNode node) {
        strip(node);
        out.println(node.toString());
    }

    /**
     * Every string in it {@linkplain TerminalText#strip stripped}: JSON escapes a raw ESC, but a
     * consumer that prints a field ({@code jq -r .msg}) would hand the sequence to its terminal.
     */
    private static void strip(JsonNode node) {
        if (node instanceof ObjectNode object) {
            object.properties().forEach(field -> {
                if (field.getValue().isTextual()) {
                    field.setValue(TextNode.valueOf(TerminalText.strip(field.getValue().asText())));
                } else {
                    strip(field.getValue());
                }
            });
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                if (array.get(i).isTextual()) {
                    array.set(i, TextNode.valueOf(TerminalText.strip(array.get(i).asText())));
                } else {
                    strip(array.get(i));
                }
            }
        }
    }
}
