package dev.bakery.store;

import java.util.List;

/** One page of recent builds, newest first; {@code next} is an opaque token, or null on the last page. */
public record BuildPage(List<BuildRecord> builds, String next) {

    public BuildPage {
        builds = List.copyOf(builds);
    }
}
