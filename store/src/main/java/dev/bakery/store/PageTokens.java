package dev.bakery.store;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Turns DynamoDB's LastEvaluatedKey into an opaque URL-safe {@code next} token and back. Our keys
 * are all strings, so the token is base64url of a flat JSON object.
 */
final class PageTokens {

    private static final ObjectMapper JSON = new ObjectMapper();

    private PageTokens() {
    }

    static String encode(Map<String, AttributeValue> key) {
        Map<String, String> flat = new LinkedHashMap<>();
        key.forEach((name, value) -> flat.put(name, value.s()));
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(JSON.writeValueAsBytes(flat));
        } catch (IOException e) {
            throw new IllegalStateException("a page key always serializes", e);
        }
    }

    /**
     * @param partition the {@code gsi1pk} of the listing the token continues: a token that names our
     *                  key attributes but not a place in that listing is refused too, as DynamoDB would
     *                  refuse it with an error the caller could do nothing about
     */
    static Map<String, AttributeValue> decode(String token, String partition) {
        try {
            Map<String, String> flat = JSON.readValue(Base64.getUrlDecoder().decode(token.getBytes(StandardCharsets.US_ASCII)),
                    new TypeReference<Map<String, String>>() { });
            if (flat == null
                    || !flat.keySet().equals(java.util.Set.of(BakeryTable.PK, BakeryTable.SK, BakeryTable.GSI1_PK, BakeryTable.GSI1_SK))
                    || flat.values().stream().anyMatch(v -> v == null || v.isEmpty())
                    || !partition.equals(flat.get(BakeryTable.GSI1_PK))
                    || !flat.get(BakeryTable.PK).startsWith(BakeryTable.buildKey(""))
                    || !BakeryTable.META.equals(flat.get(BakeryTable.SK))) {
                throw new IllegalArgumentException("not one of our page keys");
            }
            Map<String, AttributeValue> key = new LinkedHashMap<>();
            flat.forEach((name, value) -> key.put(name, AttributeValue.fromS(value)));
            return key;
        } catch (IOException | IllegalArgumentException e) {
            throw new InvalidPageTokenException("next is not a token this API gave out");
        }
    }
}
