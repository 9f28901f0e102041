package dev.bakery.cli.output;

import dev.bakery.core.api.ApiModel;
import dev.bakery.cli.follow.FollowListener;
import dev.bakery.core.live.LiveMessage;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Where a build's time went, per task: {@code queue} (submitted → the task runs), {@code start} (the
 * agent fetching the context and logging in → the build step starts), {@code build}, {@code push}
 * (from the builder's first "Pushing" line → the task ends); then {@code index} (the last task's end
 * → the build is done). Task statuses are timed when the CLI hears them, agent lines by their own
 * time; each phase starts no earlier than the one before ends, so clock skew cannot draw it backwards.
 *
 * @param submitted when the build was accepted
 * @param phases    in order: each task's phases, then the index
 */
public record Timeline(Instant submitted, List<Phase> phases) {

    /** One bar: {@code lane} is a task id, or {@code index}. */
    public record Phase(String lane, String name, Instant start, Instant end) {
        public long millis() {
            return Duration.between(start, end).toMillis();
        }
    }

    public Timeline {
        phases = List.copyOf(phases);
    }

    /** A listener that times what passes through it, then {@link #timeline(boolean)}. */
    public static final class Recorder implements FollowListener {

        private final FollowListener delegate;
        private final Supplier<Instant> clock;
        private final Instant submitted;
        private final Map<String, Marks> tasks = new LinkedHashMap<>();
        private Instant done;

        public Recorder(FollowListener delegate, Supplier<Instant> clock) {
            this.delegate = delegate;
            this.clock = clock;
            this.submitted = clock.get();
        }

        /** What was seen of one task. */
        private static final class Marks {
            Instant running;
            Instant building;
            Instant pushing;
            Instant ended;
        }

        @Override
        public void line(LiveMessage.Line line) {
            if (line.taskId() != null) {
                Instant at = time(line.ts());
                synchronized (this) {
                    Marks marks = tasks.computeIfAbsent(line.taskId(), id -> new Marks());
                    if (marks.running == null) {
                        marks.running = at; // a line can arrive before the RUNNING status
                    }
                    if ("build".equals(line.step()) && marks.building == null) {
                        marks.building = at;
                    }
                    if (marks.pushing == null && line.msg() != null && line.msg().contains("Pushing")) {
                        marks.pushing = at;
                    }
                }
            }
            delegate.line(line);
        }

        @Override
        public void status(LiveMessage.Status status) {
            Instant now = clock.get();
            synchronized (this) {
                if (status.taskId() == null) {
                    if (ApiModel.isFinalStatus(status.status())) {
                        done = now;
                    }
                } else {
                    Marks marks = tasks.computeIfAbsent(status.taskId(), id -> new Marks());
                    if ("RUNNING".equals(status.status()) && marks.running == null) {
                        marks.running = now;
                    } else if (ApiModel.isFinalStatus(status.status()) && marks.ended == null) {
                        marks.ended = now;
                    }
                }
            }
            delegate.status(status);
        }

        @Override
        public void notice(String text) {
            delegate.notice(text);
        }

        /** The phases seen (a task that never ran has only its queue), and the index's when one was published. */
        public synchronized Timeline timeline(boolean index) {
            Instant end = done != null ? done : clock.get();
            List<Phase> phases = new ArrayList<>();
            Instant lastTaskEnd = submitted;
            for (Map.Entry<String, Marks> entry : tasks.entrySet()) {
                Marks m = entry.getValue();
                Instant taskEnd = m.ended != null ? m.ended : end;
                List<Map.Entry<String, Instant>> starts = new ArrayList<>(List.of(Map.entry("queue", submitted)));
                if (m.running != null) {
                    starts.add(Map.entry("start", m.running));
                }
                if (m.building != null) {
                    starts.add(Map.entry("build", m.building));
                }
                if (m.pushing != null) {
                    starts.add(Map.entry("push", m.pushing));
                }
                Instant from = submitted;
                for (int i = 0; i < starts.size(); i++) {
                    Instant to = max(from, i + 1 < starts.size() ? starts.get(i + 1).getValue() : taskEnd);
                    phases.add(new Phase(entry.getKey(), starts.get(i).getKey(), from, to));
                    from = to;
                }
                lastTaskEnd = max(lastTaskEnd, from);
            }
            if (index) {
                phases.add(new Phase("index", "index", lastTaskEnd, max(lastTaskEnd, end)));
            }
            return new Timeline(submitted, phases);
        }

        private Instant time(String ts) {
            try {
                return ts == null ? clock.get() : Instant.parse(ts);
            } catch (DateTimeParseException e) {
                return clock.get();
            }
        }

        private static Instant max(Instant a, Instant b) {
            return a.isAfter(b) ? a : b;
        }
    }
}
