package dev.bakery.functions.contexts;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The JSON body of a {@code POST /contexts} answer. */
public final class ContextOffers {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private ContextOffers() {
    }

    /**
     * {@code {key, exists:true}}, or {@code {key, exists:false, upload:{method:"PUT", url, headers, expiresAt}}},
     * or {@code {key, exists:false, multipart:{uploadId, partSize, parts:[{number,url}], completeUrl, expiresAt}}}.
     */
    public static ObjectNode toJson(ContextOffer offer) {
        ObjectNode json = JSON.objectNode().put("key", offer.key());
        switch (offer) {
            case ContextOffer.Exists exists -> json.put("exists", true);
            case ContextOffer.SinglePut put -> {
                json.put("exists", false);
                ObjectNode upload = json.putObject("upload").put("method", "PUT").put("url", put.url().toString());
                ObjectNode headers = upload.putObject("headers");
                put.headers().forEach(headers::put);
                upload.put("expiresAt", put.expiresAt().toString());
            }
            case ContextOffer.Multipart multipart -> {
                json.put("exists", false);
                ObjectNode upload = json.putObject("multipart")
                        .put("uploadId", multipart.uploadId())
                        .put("partSize", multipart.partSize());
                ArrayNode parts = upload.putArray("parts");
                for (ContextOffer.PartUrl part : multipart.parts()) {
                    parts.addObject().put("number", part.number()).put("url", part.url().toString());
                }
                upload.put("completeUrl", multipart.completeUrl().toString())
                        .put("expiresAt", multipart.expiresAt().toString());
            }
        }
        return json;
    }
}
