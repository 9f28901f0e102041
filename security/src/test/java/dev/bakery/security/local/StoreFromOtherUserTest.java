package dev.bakery.security.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bakery.local.LocalAws;
import dev.bakery.local.LocalServer;
import dev.bakery.testing.OtherUser;
import dev.bakery.store.BuildStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Another user of the machine attacks a running bakery-local for real: {@code nobody}, through
 * {@code setpriv}, runs Python that tries to read and write the store (its front with a forged
 * signature, dynalite's own socket) and the data dir. Needs root (as .ci/run has).
 */
class StoreFromOtherUserTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Prints what each attempt got: "allowed", "denied" (EACCES), "http N", or the error's type. */
    private static final String ATTACK = """
            import json, os, socket, sys, urllib.error, urllib.request
            data, endpoint, sock, table = sys.argv[1:5]
            out = {}
            def attempt(name, fn):
                try:
                    fn(); out[name] = "allowed"
                except PermissionError:
                    out[name] = "denied"
                except urllib.error.HTTPError as e:
                    out[name] = "http %d" % e.code
                except Exception as e:
                    out[name] = type(e).__name__
            def call(target, body):
                headers = {"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "DynamoDB_20120810." + target,
                           "X-Amz-Date": "20261207T000000Z",
                           "Authorization": "AWS4-HMAC-SHA256 Credential=AKIDFORGED/20261207/us-east-1/dynamodb/aws4_request, "
                                            "SignedHeaders=host;x-amz-date;x-amz-target, Signature=" + "0" * 64}
                urllib.request.urlopen(urllib.request.Request(endpoint, data=json.dumps(body).encode(), headers=headers)).read()
            def over_socket():
                s = socket.socket(socket.AF_UNIX)
                s.connect(sock)
            attempt("list data dir", lambda: os.listdir(data))
            attempt("read endpoint file", lambda: open(os.path.join(data, "endpoint.json")).read())
            attempt("write into data dir", lambda: open(os.path.join(data, "planted"), "w").write("x"))
            attempt("read store files", lambda: os.listdir(os.path.join(data, "dynamodb")))
            attempt("connect to dynalite", over_socket)
            attempt("scan the table", lambda: call("Scan", {"TableName": table}))
            attempt("write the table", lambda: call("PutItem", {"TableName": table,
                    "Item": {"pk": {"S": "BUILD#planted"}, "sk": {"S": "META"}, "status": {"S": "QUEUED"}}}))
            print(json.dumps(out))
            """;

    @TempDir
    Path temp;

    @Test
    void nobodyCanNeitherReachTheStoreNorAnythingUnderTheDataDir() throws Exception {
        // The temp dir's parent is root's own; nobody must be able to reach the data dir's door to try.
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path dataDir = temp.resolve("data");
        try (LocalServer server = LocalServer.start(new LocalServer.Config(dataDir, 0, "127.0.0.1:1", 0),
                tasks -> (name, input) -> {
                    throw new UnsupportedOperationException("no build runs in this test");
                })) {
            assertThat(Files.getPosixFilePermissions(dataDir)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
            OtherUser.Run attacker = OtherUser.python(ATTACK, dataDir.toString(), server.dynamoEndpoint().toString(),
                    dataDir.resolve("dynamodb.sock").toString(), LocalAws.TABLE);
            assertThat(attacker.exit()).as(attacker.output()).isZero();
            JsonNode got = JSON.readTree(attacker.lastLine());

            assertThat(got.path("list data dir").asText()).isEqualTo("denied");
            assertThat(got.path("read endpoint file").asText()).isEqualTo("denied");
            assertThat(got.path("write into data dir").asText()).isEqualTo("denied");
            assertThat(got.path("read store files").asText()).isEqualTo("denied");
            assertThat(got.path("connect to dynalite").asText()).isEqualTo("denied");
            assertThat(got.path("scan the table").asText()).isEqualTo("http 403");
            assertThat(got.path("write the table").asText()).isEqualTo("http 403");
            assertThat(Files.exists(dataDir.resolve("planted"))).isFalse();
            // With the run's keys the same front answers, and nothing was planted.
            try (DynamoDbClient owner = DynamoDbClient.builder().endpointOverride(server.dynamoEndpoint())
                    .region(LocalAws.REGION).credentialsProvider(server.keys().provider())
                    .httpClient(UrlConnectionHttpClient.create()).build()) {
                assertThat(new BuildStore(owner, LocalAws.TABLE, Clock.systemUTC()).build("planted")).isEmpty();
            }
        }
    }
}
