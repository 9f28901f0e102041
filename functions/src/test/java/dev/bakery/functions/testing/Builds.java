package dev.bakery.functions.testing;

import dev.bakery.functions.store.BuildRecord;
import dev.bakery.functions.store.BuildStore;
import dev.bakery.functions.store.TaskRecord;
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
