package dev.bakery.functions.live;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link Subscriptions} in memory for tests and the forwarder benchmark: subscribers in subscription
 * order, no TTL. Counts {@link #subscribers} calls so tests can check the one-lookup-per-build rule.
 */
public final class InMemorySubscriptions implements Subscriptions {

    private final Map<String, String> principals = new LinkedHashMap<>();
    private final Map<String, Set<String>> byBuild = new LinkedHashMap<>();
    private final AtomicInteger lookups = new AtomicInteger();

    @Override
    public synchronized void connect(String connectionId, String principal, Instant at) {
        principals.put(connectionId, principal);
    }

    @Override
    public synchronized void disconnect(String connectionId) {
        principals.remove(connectionId);
        byBuild.values().forEach(s -> s.remove(connectionId));
    }

    @Override
    public synchronized Optional<String> principal(String connectionId) {
        return Optional.ofNullable(principals.get(connectionId));
    }

    @Override
    public synchronized void subscribe(String buildId, String connectionId, Instant at) {
        byBuild.computeIfAbsent(buildId, b -> new LinkedHashSet<>()).add(connectionId);
    }

    @Override
    public synchronized void unsubscribe(String buildId, String connectionId) {
        Set<String> subscribers = byBuild.get(buildId);
        if (subscribers != null) {
            subscribers.remove(connectionId);
        }
    }

    @Override
    public synchronized List<String> subscribers(String buildId) {
        lookups.incrementAndGet();
        return new ArrayList<>(byBuild.getOrDefault(buildId, Set.of()));
    }

    /** How often {@link #subscribers} was called. */
    public int lookups() {
        return lookups.get();
    }
}
