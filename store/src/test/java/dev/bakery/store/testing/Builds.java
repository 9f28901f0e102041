package dev.bakery.store.testing;

import dev.bakery.store.BuildRecord;
import dev.bakery.store.BuildStore;
import dev.bakery.store.TaskRecord;
import java.time.Duration;
import java.util.List;

/** Writes a build as the submit handler does, without an idempotency key. */
public final class Builds {

    private Builds() {
    }

    public static void create(BuildStore store, BuildRecord build, List<TaskRecord> tasks) {
        store.create(build, tasks, null, build.createdAt().plus(Duration.ofDays(1)));
    }
}
