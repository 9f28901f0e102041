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
 * signature, dynalite's own socket) and the data dir, and to plant the agents' class-data archive.
 * Needs root (as .ci/run has).
 */
class StoreFromOtherUserTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** attempt(name, fn) notes what each attempt got: "allowed", "denied" (EACCES), "http N", or the error's type. */
    private static final String ATTEMPT = """
            import json, os, socket, sys, tempfile, urllib.error, urllib.request
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
            """;
    private static final String ATTACK = ATTEMPT + """
            data, endpoint, sock, table = sys.argv[1:5]
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

    /**
     * The local agents (root, with the run's keys) map the classes of the class-data archive in
     * {@code <data dir>/cds/}: whoever could plant or replace it would run code in every agent.
     */
    private static final String ARCHIVE_ATTACK = ATTEMPT + """
            cds, archive = sys.argv[1:3]
            def replace():
                fd, planted = tempfile.mkstemp(suffix=".jsa")
                os.write(fd, b"attacker's classes")
                os.close(fd)
                os.replace(planted, archive)
            attempt("overwrite the archive", lambda: open(archive, "w").write("attacker's classes"))
            attempt("replace the archive", replace)
            attempt("plant another archive", lambda: open(os.path.join(cds, "agent-0123456789abcdef.jsa"), "w").write("x"))
            print(json.dumps(out))
            """;

    @TempDir
    Path temp;

    /** bakery-local on {@code temp/data}, with no build runner. */
    private LocalServer start(Path dataDir) throws Exception {
        // The temp dir's parent is root's own; nobody must be able to reach the data dir's door to try.
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
        return LocalServer.start(new LocalServer.Config(dataDir, 0, "127.0.0.1:1", 0), tasks -> (name, input) -> {
            throw new UnsupportedOperationException("no build runs in this test");
        });
    }

    @Test
    void nobodyCanNeitherReachTheStoreNorAnythingUnderTheDataDir() throws Exception {
        Path dataDir = temp.resolve("data");
        try (LocalServer server = start(dataDir)) {
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

    @Test
    void nobodyCanNeitherOverwriteNorReplaceNorPlantTheClassDataArchiveTheAgentsMap() throws Exception {
        Path dataDir = temp.resolve("data");
        try (LocalServer server = start(dataDir)) {
            // As the first agent leaves it: the JVM writes it 0644, into a directory made with the umask.
            Path cds = Files.createDirectories(dataDir.resolve("cds"),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
            Path archive = Files.writeString(cds.resolve("agent-9a12211fd4aaa18b.jsa"), "the agents' classes");
            Files.setPosixFilePermissions(archive, PosixFilePermissions.fromString("rw-r--r--"));

            OtherUser.Run attacker = OtherUser.python(ARCHIVE_ATTACK, cds.toString(), archive.toString());
            assertThat(attacker.exit()).as(attacker.output()).isZero();
            JsonNode got = JSON.readTree(attacker.lastLine());

            assertThat(got.path("overwrite the archive").asText()).isEqualTo("denied");
            assertThat(got.path("replace the archive").asText()).isEqualTo("denied");
            assertThat(got.path("plant another archive").asText()).isEqualTo("denied");
            assertThat(archive).hasContent("the agents' classes");
            try (var files = Files.list(cds)) {
                assertThat(files).containsExactly(archive);
            }
        }
    }
}
