package dev.bakery.local.logs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bakery.functions.builds.LogSource;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local log group: stable ids across appends and restarts, pages by position, filter by time. */
class LogStoreTest {

    private static final String BUILD = "b-20261122T100000-logstore1";

    @TempDir
    Path dir;

    @Test
    void idsFollowTheLinesAndSurviveANewStore() {
        LogStore store = new LogStore(dir);
        List<LogSource.Line> first = store.append(BUILD, List.of(new LogStore.Entry(1000, "a"), new LogStore.Entry(2000, "b")));
        List<LogSource.Line> later = new LogStore(dir).append(BUILD, List.of(new LogStore.Entry(3000, "c")));

        assertThat(first).extracting(LogSource.Line::id).containsExactly("00000000000000000000", "00000000000000000001");
        assertThat(later).extracting(LogSource.Line::id).containsExactly("00000000000000000002");
        assertThat(new LogStore(dir).read(BUILD, 0, null, 10).lines()).extracting(LogSource.Line::message)
                .containsExactly("a", "b", "c");
    }

    @Test
    void pagesAndSince() {
        LogStore store = new LogStore(dir);
        store.append(BUILD, List.of(new LogStore.Entry(1000, "a"), new LogStore.Entry(2000, "b"), new LogStore.Entry(3000, "c")));

        LogSource.Page page1 = store.read(BUILD, 0, null, 2);
        LogSource.Page page2 = store.read(BUILD, 0, page1.next(), 2);

        assertThat(page1.lines()).extracting(LogSource.Line::message).containsExactly("a", "b");
        assertThat(page2.lines()).extracting(LogSource.Line::message).containsExactly("c");
        assertThat(page2.next()).isNull();
        assertThat(store.read(BUILD, 2000, null, 10).lines()).extracting(LogSource.Line::timestamp).containsExactly(2000L, 3000L);
        assertThat(store.read("b-20261122T100000-nolines1", 0, null, 10).lines()).isEmpty();
    }
}
