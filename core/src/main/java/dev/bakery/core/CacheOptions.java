package dev.bakery.core;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Kaniko layer cache settings ({@code kaniko.cache}).
 *
 * @param enable     {@code --cache}
 * @param repo       {@code --cache-repo}, or null for Kaniko's default (destination + /cache)
 * @param ttl        {@code --cache-ttl} as a Go duration ({@code 24h}), or null for Kaniko's default
 * @param copyLayers {@code --cache-copy-layers}
 * @param runLayers  {@code --cache-run-layers}, or null for Kaniko's default (true)
 * @param compressed {@code --compressed-caching}, or null for Kaniko's default (true)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CacheOptions(boolean enable, String repo, String ttl, boolean copyLayers, Boolean runLayers,
        Boolean compressed) {

    public static final CacheOptions DISABLED = new CacheOptions(false, null, null, false, null, null);
}
