package dev.bakery.functions.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bakery.store.BakeryTable;
import dev.bakery.store.testing.LocalDynamo;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Connections and subscriptions on dynalite, read back as raw items where the layout matters. */
class DynamoSubscriptionsTest {

    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
    private static final String PRINCIPAL = "arn:aws:iam::123456789012:user/ci";

    private static LocalDynamo dynamo;
    private static DynamoSubscriptions subscriptions;

    @BeforeAll
    static void start() {
        dynamo = LocalDynamo.start();
        subscriptions = new DynamoSubscriptions(dynamo.client(), LocalDynamo.TABLE, Clock.fixed(T0.plusSeconds(60), ZoneOffset.UTC));
    }

    @AfterAll
    static void stop() {
        dynamo.close();
    }

    private static Map<String, AttributeValue> item(String pk, String sk) {
        Map<String, AttributeValue> item = dynamo.client().getItem(r -> r.tableName(LocalDynamo.TABLE).consistentRead(true)
                .key(Map.of(BakeryTable.PK, AttributeValue.fromS(pk), BakeryTable.SK, AttributeValue.fromS(sk)))).item();
        return item == null ? Map.of() : item;
    }

    private static Map<String, AttributeValue> connection(String connectionId) {
        return item("CONN#" + connectionId, "META");
    }

    private static Map<String, AttributeValue> subscription(String buildId, String connectionId) {
        return item("BUILD#" + buildId, "SUB#" + connectionId);
    }

    private static List<String> followed(String connectionId) {
        AttributeValue builds = connection(connectionId).get("builds");
        return builds == null ? List.of() : builds.ss();
    }

    @Test
    void connectRecordsThePrincipalTheTimeAndATwoHourTtl() {
        subscriptions.connect("c-connect=", PRINCIPAL, T0);

        assertThat(connection("c-connect=")).containsEntry("principal", AttributeValue.fromS(PRINCIPAL))
                .containsEntry("connectedAt", AttributeValue.fromS("2026-11-22T10:00:00Z"))
                .containsEntry("expiresAt", AttributeValue.fromN(Long.toString(T0.getEpochSecond() + 7200)));
        assertThat(subscriptions.principal("c-connect=")).contains(PRINCIPAL);
        assertThat(subscriptions.principal("c-never")).isEmpty();
    }

    @Test
    void subscribeWritesAnExpiringItemAndRemembersTheBuildOnTheConnection() {
        subscriptions.connect("c-sub", PRINCIPAL, T0);
        subscriptions.subscribe("b-sub-1", "c-sub", T0.plusSeconds(30));
        subscriptions.subscribe("b-sub-1", "c-sub", T0.plusSeconds(30)); // a retried subscribe
        subscriptions.subscribe("b-sub-2", "c-sub", T0.plusSeconds(30));

        assertThat(subscription("b-sub-1", "c-sub"))
                .containsEntry("expiresAt", AttributeValue.fromN(Long.toString(T0.getEpochSecond() + 30 + 7200)))
                .containsEntry("connectionId", AttributeValue.fromS("c-sub"));
        assertThat(followed("c-sub")).containsExactlyInAnyOrder("b-sub-1", "b-sub-2");
        assertThat(subscriptions.subscribers("b-sub-1")).containsExactly("c-sub");
        assertThat(subscriptions.subscribers("b-nobody")).isEmpty();
    }

    @Test
    void subscribersReadsEveryPage() {
        DynamoSubscriptions smallPages = new DynamoSubscriptions(dynamo.client(), LocalDynamo.TABLE,
                Clock.fixed(T0, ZoneOffset.UTC), 2);
        List<String> connections = IntStream.range(0, 7).mapToObj(i -> "c-page-" + i).toList();
        for (String connection : connections) {
            smallPages.connect(connection, PRINCIPAL, T0);
            smallPages.subscribe("b-paged", connection, T0);
        }

        assertThat(smallPages.subscribers("b-paged")).containsExactlyInAnyOrderElementsOf(connections);
    }

    @Test
    void subscribingAnUnknownConnectionFailsAndWritesNothing() {
        assertThatThrownBy(() -> subscriptions.subscribe("b-orphan", "c-unknown", T0))
                .isInstanceOf(UnknownConnectionException.class).hasMessage("connection c-unknown is not connected");

        assertThat(subscription("b-orphan", "c-unknown")).isEmpty();
        assertThat(connection("c-unknown")).isEmpty();
    }

    @Test
    void unsubscribeRemovesOneSubscriptionAndIsIdempotent() {
        subscriptions.connect("c-unsub", PRINCIPAL, T0);
        subscriptions.subscribe("b-unsub-1", "c-unsub", T0);
        subscriptions.subscribe("b-unsub-2", "c-unsub", T0);

        subscriptions.unsubscribe("b-unsub-1", "c-unsub");
        subscriptions.unsubscribe("b-unsub-1", "c-unsub");

        assertThat(subscription("b-unsub-1", "c-unsub")).isEmpty();
        assertThat(subscriptions.subscribers("b-unsub-1")).isEmpty();
        assertThat(subscriptions.subscribers("b-unsub-2")).containsExactly("c-unsub");
        assertThat(followed("c-unsub")).containsExactly("b-unsub-2");
        subscriptions.unsubscribe("b-unsub-2", "c-unsub");
        assertThat(followed("c-unsub")).isEmpty();
        assertThat(subscriptions.principal("c-unsub")).contains(PRINCIPAL);
    }

    @Test
    void unsubscribingAnUnknownConnectionCreatesNoItem() {
        subscriptions.unsubscribe("b-x", "c-ghost");

        assertThat(connection("c-ghost")).isEmpty();
    }

    @Test
    void disconnectRemovesTheConnectionAndAllItsSubscriptionsButNoOthers() {
        subscriptions.connect("c-leaving", PRINCIPAL, T0);
        subscriptions.connect("c-staying", PRINCIPAL, T0);
        // more than one BatchWriteItem's worth
        List<String> builds = IntStream.range(0, 30).mapToObj(i -> "b-leave-" + i).toList();
        for (String build : builds) {
            subscriptions.subscribe(build, "c-leaving", T0);
        }
        subscriptions.subscribe("b-leave-0", "c-staying", T0);

        subscriptions.disconnect("c-leaving");
        subscriptions.disconnect("c-leaving");

        assertThat(connection("c-leaving")).isEmpty();
        assertThat(subscriptions.principal("c-leaving")).isEmpty();
        for (String build : builds) {
            assertThat(subscription(build, "c-leaving")).as(build).isEmpty();
        }
        assertThat(subscriptions.subscribers("b-leave-0")).containsExactly("c-staying");
        assertThat(subscriptions.principal("c-staying")).contains(PRINCIPAL);
        assertThatThrownBy(() -> subscriptions.subscribe("b-leave-1", "c-leaving", T0))
                .isInstanceOf(UnknownConnectionException.class);
    }

    @Test
    void disconnectingAnUnknownConnectionIsHarmless() {
        subscriptions.disconnect("c-was-never-here");

        assertThat(connection("c-was-never-here")).isEmpty();
    }

    @Test
    void itemsPastTheirTtlCountAsGoneBeforeDynamoDbDeletesThem() {
        subscriptions.connect("c-old", PRINCIPAL, T0);
        subscriptions.subscribe("b-old", "c-old", T0);
        DynamoSubscriptions later = new DynamoSubscriptions(dynamo.client(), LocalDynamo.TABLE,
                Clock.fixed(T0.plus(Subscriptions.TTL).plusSeconds(1), ZoneOffset.UTC));

        assertThat(later.subscribers("b-old")).isEmpty();
        assertThat(later.principal("c-old")).isEmpty();
        assertThat(subscriptions.subscribers("b-old")).containsExactly("c-old");
    }
}
