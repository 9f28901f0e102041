package dev.bakery.core;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.UncheckedIOException;
import java.util.stream.Collectors;

/**
 * The JSON form of a {@link BuildPlan}, as the CLI sends it and the server, Step Functions and the
 * agent read it. Deterministic (sorted maps, fixed field order), strict (unknown fields are errors),
 * and reading re-runs every invariant of the plan records, so a plan that reads is a valid plan.
 */
public final class PlanJson {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private PlanJson() {
    }

    public static String write(BuildPlan plan) {
        try {
            return MAPPER.writeValueAsString(plan);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("a plan always serializes", e);
        }
    }

    /**
     * @param name shown in errors, e.g. {@code request body}
     * @throws BakeryConfigException naming the JSON path of what is wrong
     * @throws UnsafePathException     when a path breaks a rule of {@link WorkspacePaths}, located by its JSON path
     *                                 ({@code tasks[0].kaniko.contextPath})
     */
    public static BuildPlan read(String name, String json) {
        try {
            return MAPPER.readValue(json, BuildPlan.class);
        } catch (JsonProcessingException e) {
            StreamReadException syntax = syntaxError(e);
            if (syntax != null) {
                JsonLocation at = syntax.getLocation();
                // Jackson appends "(for Array starting at [Source: ...])", which tells a user nothing.
                String message = syntax.getOriginalMessage().replaceFirst("\\s*\\(for .*$", "");
                throw new BakeryConfigException(new Problem(name, "", at == null ? 0 : at.getLineNr(),
                        at == null ? 0 : at.getColumnNr(), "invalid plan JSON: " + message));
            }
            JsonMappingException mapping = (JsonMappingException) e;
            String path = mapping.getPath().stream()
                    .map(ref -> ref.getFieldName() != null ? "." + ref.getFieldName() : "[" + ref.getIndex() + "]")
                    .collect(Collectors.joining()).replaceFirst("^\\.", "");
            Throwable cause = e;
            while (cause.getCause() != null) {
                cause = cause.getCause();
            }
            if (cause instanceof UnsafePathException unsafe) {
                throw unsafe.under(path);
            }
            // The records' own checks speak in plan terms; Jackson's messages only when the shape is wrong.
            String message = cause instanceof IllegalArgumentException ? cause.getMessage()
                    : mapping instanceof UnrecognizedPropertyException unknown ? unknownField(unknown)
                    : mapping.getOriginalMessage();
            throw new BakeryConfigException(new Problem(name, path, 0, 0, "invalid plan: " + message));
        }
    }

    /** Jackson's own message names the Java class; a client needs the field and the ones it could have meant. */
    private static String unknownField(UnrecognizedPropertyException e) {
        return "unknown field \"" + e.getPropertyName() + "\" (expected " + e.getKnownPropertyIds().stream()
                .map(String::valueOf).sorted().collect(Collectors.joining(", ")) + ")";
    }

    private static StreamReadException syntaxError(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof StreamReadException s && !(t instanceof JsonMappingException)) {
                return s;
            }
        }
        return null;
    }
}
