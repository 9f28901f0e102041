package dev.bakery.functions.api;

import dev.bakery.functions.errors.Refusal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reading request bodies: size checked before parsing, JSON errors with line and column, unknown
 * fields refused by name, typed field reads that say which field is wrong.
 */
public final class RequestBodies {

    // Bodies are small and flat; a modest nesting limit refuses pathological ones early.
    private static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build()).build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    private RequestBodies() {
    }

    /** The body as a JSON object, refusing an oversized one before reading a byte of it. */
    public static JsonNode object(String body, int maxBytes) {
        if (body == null || body.isBlank()) {
            throw new Refusal(Refusal.Kind.INVALID, "missing_body", "the request needs a JSON body", null);
        }
        int bytes = body.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > maxBytes) {
            throw new Refusal(Refusal.Kind.TOO_LARGE, "body_too_large", "the body is " + bytes + " bytes; the limit is " + maxBytes, null);
        }
        JsonNode node;
        try {
            node = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new Refusal(Refusal.Kind.INVALID, "invalid_json", "the body is not valid JSON" + where + ": " + problem(e), null);
        }
        if (!node.isObject()) {
            throw new Refusal(Refusal.Kind.INVALID, "invalid_json", "the body must be a JSON object", null);
        }
        return node;
    }

    /** Jackson's message without what only a Java developer could read (sources, classes, feature names). */
    private static String problem(JsonProcessingException e) {
        String message = e.getOriginalMessage();
        if (message.startsWith("Trailing token")) {
            return "unexpected content after the end of the JSON value";
        }
        return message.replaceFirst("\\s*\\(for .*$", "")
                .replaceFirst("\\(start marker at \\[Source: [^;]*; line: (\\d+), column: (\\d+)]\\)", "(opened at line $1, column $2)")
                .replaceFirst(", from `[^`]*`\\)", ")");
    }

    public static void onlyFields(JsonNode object, Set<String> allowed, String prefix) {
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new Refusal(Refusal.Kind.INVALID, "unknown_field", "unknown field \"" + name + "\" (expected "
                        + String.join(", ", new java.util.TreeSet<>(allowed)) + ")", prefix + name);
            }
        }
    }

    public static String text(JsonNode object, String field, boolean required, Pattern format, String formatHint) {
        JsonNode value = object.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw new Refusal(Refusal.Kind.INVALID, "missing_field", field + " is required", field);
            }
            return null;
        }
        if (!value.isTextual()) {
            throw new Refusal(Refusal.Kind.INVALID, "invalid_type", field + " must be a string", field);
        }
        if (format != null && !format.matcher(value.asText()).matches()) {
            throw new Refusal(Refusal.Kind.INVALID, "invalid_" + field, field + " must be " + formatHint, field);
        }
        return value.asText();
    }

    /** A required array of at most {@code maxEntries} strings. */
    public static List<String> texts(JsonNode object, String field, int maxEntries) {
        JsonNode value = object.get(field);
        if (value == null || value.isNull()) {
            throw new Refusal(Refusal.Kind.INVALID, "missing_field", field + " is required", field);
        }
        if (!value.isArray()) {
            throw new Refusal(Refusal.Kind.INVALID, "invalid_type", field + " must be an array of strings", field);
        }
        if (value.size() > maxEntries) {
            throw new Refusal(Refusal.Kind.INVALID, "too_many_" + field, field + " may hold at most " + maxEntries + " entries", field);
        }
        List<String> out = new ArrayList<>(value.size());
        for (int i = 0; i < value.size(); i++) {
            if (!value.get(i).isTextual()) {
                throw new Refusal(Refusal.Kind.INVALID, "invalid_type", field + "[" + i + "] must be a string", field + "[" + i + "]");
            }
            out.add(value.get(i).asText());
        }
        return out;
    }

    public static long number(JsonNode object, String field) {
        JsonNode value = object.get(field);
        if (value == null || value.isNull()) {
            throw new Refusal(Refusal.Kind.INVALID, "missing_field", field + " is required", field);
        }
        if (!value.isIntegralNumber()) {
            throw new Refusal(Refusal.Kind.INVALID, "invalid_type", field + " must be a whole number", field);
        }
        if (!value.canConvertToLong()) {
            throw new Refusal(Refusal.Kind.INVALID, "out_of_range", field + " " + value.asText() + " is out of range", field);
        }
        return value.asLong();
    }

    /**
     * A flat object of strings, with limits on count and sizes.
     *
     * @param keyHint what a key must be, for the message when one does not match {@code keyFormat}
     */
    public static Map<String, String> strings(JsonNode object, String field, int maxEntries, Pattern keyFormat,
            String keyHint, int maxValue) {
        JsonNode value = object.get(field);
        Map<String, String> out = new LinkedHashMap<>();
        if (value == null || value.isNull()) {
            return out;
        }
        if (!value.isObject()) {
            throw new Refusal(Refusal.Kind.INVALID, "invalid_type", field + " must be an object of strings", field);
        }
        if (value.size() > maxEntries) {
            throw new Refusal(Refusal.Kind.INVALID, "too_many_" + field, field + " may hold at most " + maxEntries + " entries", field);
        }
        for (Map.Entry<String, JsonNode> entry : value.properties()) {
            String path = field + "." + entry.getKey();
            if (keyFormat != null && !keyFormat.matcher(entry.getKey()).matches()) {
                throw new Refusal(Refusal.Kind.INVALID, "invalid_key", "invalid key \"" + entry.getKey() + "\" in " + field
                        + (keyHint == null ? "" : ": keys are " + keyHint), path);
            }
            if (!entry.getValue().isTextual()) {
                throw new Refusal(Refusal.Kind.INVALID, "invalid_type", path + " must be a string", path);
            }
            if (entry.getValue().asText().length() > maxValue) {
                throw new Refusal(Refusal.Kind.INVALID, "value_too_long", path + " is longer than " + maxValue + " characters", path);
            }
            out.put(entry.getKey(), entry.getValue().asText());
        }
        return out;
    }
}
