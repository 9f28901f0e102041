package dev.bakery.functions.api;

import dev.bakery.core.api.ApiModel;
import dev.bakery.functions.contexts.ContextOffer;

/** A {@link ContextOffer} as {@code POST /contexts} answers it. */
public final class ContextOffers {

    private ContextOffers() {
    }

    /**
     * {@code {key, exists:true}}, or {@code {key, exists:false, upload:{method:"PUT", url, headers, expiresAt}}},
     * or {@code {key, exists:false, multipart:{uploadId, partSize, parts:[{number, url, headers}], completeUrl,
     * completeHeaders, expiresAt}}}.
     */
    public static ApiModel.ContextOffer toWire(ContextOffer offer) {
        return switch (offer) {
            case ContextOffer.Exists exists -> new ApiModel.ContextOffer(exists.key(), true, null, null);
            case ContextOffer.SinglePut put -> new ApiModel.ContextOffer(put.key(), false,
                    new ApiModel.Upload("PUT", put.url().toString(), put.headers(), put.expiresAt().toString()), null);
            case ContextOffer.Multipart multipart -> new ApiModel.ContextOffer(multipart.key(), false, null,
                    new ApiModel.Multipart(multipart.uploadId(), multipart.partSize(), multipart.parts().stream()
                            .map(part -> new ApiModel.Part(part.number(), part.url().toString(), part.headers())).toList(),
                            multipart.completeUrl().toString(), multipart.completeHeaders(), multipart.expiresAt().toString()));
        };
    }
}
