package dev.bakery.emulators;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * DynamoDB's JSON wire form of items (e.g. {@code {"pk": {"S": "x"}}}) to and from the SDK's
 * {@link AttributeValue}s: what Step Functions' DynamoDB integrations speak, and what the store's
 * front reads from dynalite.
 */
public final class DynamoJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private DynamoJson() {
    }

    /** @return null for null; @throws IllegalArgumentException for a value that is not DynamoDB's JSON */
    public static Map<String, AttributeValue> item(JsonNode json) {
        if (json == null) {
            return null;
        }
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        for (var field : json.properties()) {
            item.put(field.getKey(), value(field.getValue()));
        }
        return item;
    }

    /** One value, e.g. {@code {"S": "x"}}. */
    private static AttributeValue value(JsonNode json) {
        if (json == null || !json.isObject() || json.size() != 1) {
            throw new IllegalArgumentException("not an attribute value: " + json);
        }
        var entry = json.properties().iterator().next();
        JsonNode v = entry.getValue();
        return switch (entry.getKey()) {
            case "S" -> AttributeValue.fromS(v.asText());
            case "N" -> AttributeValue.fromN(v.asText());
            case "B" -> AttributeValue.fromB(SdkBytes.fromByteArray(Base64.getDecoder().decode(v.asText())));
            case "BOOL" -> AttributeValue.fromBool(v.asBoolean());
            case "NULL" -> AttributeValue.fromNul(v.asBoolean());
            case "SS" -> AttributeValue.fromSs(texts(v));
            case "NS" -> AttributeValue.fromNs(texts(v));
            case "BS" -> AttributeValue.fromBs(texts(v).stream()
                    .map(b -> SdkBytes.fromByteArray(Base64.getDecoder().decode(b))).toList());
            case "M" -> AttributeValue.fromM(item(v));
            case "L" -> {
                List<AttributeValue> list = new ArrayList<>();
                for (JsonNode element : v) {
                    list.add(value(element));
                }
                yield AttributeValue.fromL(list);
            }
            default -> throw new IllegalArgumentException("unknown attribute value type " + entry.getKey());
        };
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(t -> texts.add(t.asText()));
        return texts;
    }

    public static ObjectNode json(Map<String, AttributeValue> item) {
        ObjectNode json = JSON.createObjectNode();
        item.forEach((name, value) -> json.set(name, json(value)));
        return json;
    }

    private static ObjectNode json(AttributeValue value) {
        ObjectNode json = JSON.createObjectNode();
        switch (value.type()) {
            case S -> json.put("S", value.s());
            case N -> json.put("N", value.n());
            case B -> json.put("B", Base64.getEncoder().encodeToString(value.b().asByteArray()));
            case BOOL -> json.put("BOOL", value.bool());
            case NUL -> json.put("NULL", true);
            case SS -> value.ss().forEach(json.putArray("SS")::add);
            case NS -> value.ns().forEach(json.putArray("NS")::add);
            case BS -> {
                ArrayNode bs = json.putArray("BS");
                value.bs().forEach(b -> bs.add(Base64.getEncoder().encodeToString(b.asByteArray())));
            }
            case M -> json.set("M", json(value.m()));
            case L -> {
                ArrayNode list = json.putArray("L");
                value.l().forEach(v -> list.add(json(v)));
            }
            default -> throw new IllegalStateException("DynamoDB answered an attribute of unknown type: " + value);
        }
        return json;
    }
}
