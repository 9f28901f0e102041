package dev.bakery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.bakery.cli.testing.Cli;
import dev.bakery.cli.testing.Repos;
import dev.bakery.testing.LoopbackAws;
import dev.bakery.testing.SigV4;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests to anything but the local mode are signed: a loopback server named {@code localhost}
 * plays CloudFormation (DescribeStacks, query protocol) and API Gateway, and recomputes each
 * signature with test-support's SigV4 verifier, refusing mismatches as AWS does.
 */
class SigningTest {

    private static final String REGION = "eu-west-1";
    private static final String BUILD_ID = "b-20261122T100000-abcdefgh-default";

    private HttpServer server;
    private final List<String> verified = new CopyOnWriteArrayList<>();

    @TempDir
    Path dir;

    @BeforeEach
    void start() throws IOException {
        // The default credential chain's first source; the loopback's key is what the verifier knows.
        System.setProperty("aws.accessKeyId", LoopbackAws.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", LoopbackAws.SECRET_KEY);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
    }

    private String base() {
        return "http://localhost:" + server.getAddress().getPort();
    }

    @Test
    void stackOutputsAndTheRestApiAreCalledWithValidSignatures() {
        Path repo = Repos.repo(dir.resolve("repo"), Repos.TWO_ARCH_CONFIG);
        Cli.Result result = new Cli(Map.of("AWS_ENDPOINT_URL_CLOUDFORMATION", base()), dir).run("build", "--repo", repo.toString(),
                "--detach", "--stack", "bakery-prod", "--region", REGION);

        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(result.out()).contains("submitted default: " + BUILD_ID);
        assertThat(verified).containsExactly("cloudformation POST /", "execute-api POST /prod/contexts", "execute-api POST /prod/builds");
    }

    @Test
    void aStackThatDoesNotExistIsAUsageError() {
        Cli.Result result = new Cli(Map.of("AWS_ENDPOINT_URL_CLOUDFORMATION", base()), dir).run("list", "--stack", "nope",
                "--region", REGION);
        assertThat(result.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).isEqualTo("bakery: CloudFormation DescribeStacks nope: Stack with id nope does not exist\n");
        assertThat(verified).containsExactly("cloudformation POST /");
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String service = verify(exchange, body);
            if (service == null) {
                answer(exchange, 403, "application/json", "{\"message\":\"The request signature we calculated does not match\"}");
                return;
            }
            String path = exchange.getRequestURI().getPath();
            verified.add(service + " " + exchange.getRequestMethod() + " " + path);
            if (service.equals("cloudformation")) {
                String form = URLDecoder.decode(new String(body, StandardCharsets.UTF_8), StandardCharsets.UTF_8);
                if (form.contains("StackName=bakery-prod")) {
                    answer(exchange, 200, "text/xml", """
                            <DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">
                              <DescribeStacksResult><Stacks><member>
                                <StackName>bakery-prod</StackName><StackStatus>UPDATE_COMPLETE</StackStatus>
                                <Outputs>
                                  <member><OutputKey>TableName</OutputKey><OutputValue>bakery</OutputValue></member>
                                  <member><OutputKey>RestApiUrl</OutputKey><OutputValue>%s/prod/</OutputValue></member>
                                </Outputs>
                              </member></Stacks></DescribeStacksResult>
                            </DescribeStacksResponse>""".formatted(base()));
                } else {
                    answer(exchange, 400, "text/xml", """
                            <ErrorResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">
                              <Error><Type>Sender</Type><Code>ValidationError</Code><Message>Stack with id nope does not exist</Message></Error>
                              <RequestId>5ccc7dcd-744c-11e5-be70-1b08c228efb3</RequestId>
                            </ErrorResponse>""");
                }
            } else if (path.equals("/prod/contexts")) {
                answer(exchange, 200, "application/json", "{\"key\":\"contexts/" + "e".repeat(64) + ".tar.gz\",\"exists\":true}");
            } else if (path.equals("/prod/builds")) {
                answer(exchange, 202, "application/json", "{\"buildId\":\"" + BUILD_ID + "\",\"status\":\"QUEUED\",\"consoleUrl\":null}");
            } else {
                answer(exchange, 404, "application/json", "{\"message\":\"Not Found\"}");
            }
        }
    }

    /** The service the request is signed for, if the signature is right (scope region, date and key included). */
    private static String verify(HttpExchange exchange, byte[] body) {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        Matcher m = authorization == null ? null : SigV4.AUTHORIZATION.matcher(authorization);
        if (m == null || !m.matches() || !m.group(1).equals(LoopbackAws.ACCESS_KEY) || !m.group(3).equals(REGION)
                || !exchange.getRequestMethod().equals("POST")) {
            return null;
        }
        List<String> signedHeaders = List.of(m.group(5).split(";"));
        if (!signedHeaders.contains("host") || !signedHeaders.contains("x-amz-date")) {
            return null;
        }
        String amzDate = exchange.getRequestHeaders().getFirst("X-Amz-Date");
        String expected = SigV4.expectedSignature(exchange, signedHeaders, body, amzDate, m.group(3), m.group(4),
                LoopbackAws.ACCESS_KEY, LoopbackAws.SECRET_KEY);
        return SigV4.matches(expected, m.group(6)) ? m.group(4) : null;
    }

    private static void answer(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }
}
