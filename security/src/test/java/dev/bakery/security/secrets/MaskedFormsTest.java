package dev.bakery.security.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bakery.agent.log.AgentLog;
import dev.bakery.agent.log.SecretMask;
import dev.bakery.agent.process.ProcessRunner;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A build prints its build secret and its registry password in another form, with the tools any
 * base image has, to get them past the mask: a real shell runs each pipeline under the agent's real
 * process runner and log, masked as the agent masks a task's logins and build secrets. Each line the
 * agent writes must show the mask and no form of the value.
 */
class MaskedFormsTest {

    static final String SECRET = "s3Cr3t.V4lu3~Zq9";
    static final String PASSWORD = "Pw+9/kQ=zR4x7LmT";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void theRawSecretIsMasked() throws Exception {
        assertMasked(relayed("echo \"token=$S\""), SECRET);
    }

    @Test
    void theSecretReversedWithRevIsMasked() throws Exception {
        assertMasked(relayed("printf %s \"$S\" | rev; echo"), new StringBuilder(SECRET).reverse().toString());
    }

    @Test
    void theSecretInBase64IsMasked() throws Exception {
        assertMasked(relayed("printf %s \"$S\" | base64"), base64(SECRET));
    }

    @Test
    void thePasswordInBase64WithoutPaddingIsMasked() throws Exception {
        assertMasked(relayed("printf %s \"$P\" | base64 | tr -d ="), base64(PASSWORD).replace("=", ""));
    }

    @Test
    void thePasswordInUrlSafeBase64IsMasked() throws Exception {
        String urlSafe = Base64.getUrlEncoder().withoutPadding().encodeToString(PASSWORD.getBytes(StandardCharsets.UTF_8));
        assertMasked(relayed("printf %s \"$P\" | base64 | tr '+/' '-_' | tr -d ="), urlSafe);
    }

    @Test
    void thePasswordInsideADockerAuthOfAnotherUserIsMasked() throws Exception {
        for (String user : List.of("x", "xy", "xyz")) { // every alignment of the password in the base64 text
            String auth = base64(user + ":" + PASSWORD);
            List<String> lines = relayed("printf '" + user + ":%s' \"$P\" | base64");
            assertThat(lines).hasSize(1);
            assertThat(lines.getFirst()).contains(SecretMask.MASK).isNotEqualTo(auth);
            // At most the characters that share bits with the username or the end remain.
            assertThat(lines.getFirst().replace(SecretMask.MASK, "").length()).isLessThanOrEqualTo(auth.length() - 19);
        }
    }

    @Test
    void theSecretInsideALongerBase64ScriptIsMasked() throws Exception {
        String script = "export TOKEN=" + SECRET + "; curl -H \"Authorization: Bearer $TOKEN\" https://x";
        List<String> lines = relayed("printf 'export TOKEN=%s; curl -H \"Authorization: Bearer $TOKEN\" https://x' \"$S\""
                + " | base64 -w0; echo");
        assertThat(lines).hasSize(1);
        assertThat(lines.getFirst()).contains(SecretMask.MASK).isNotEqualTo(base64(script));
        // The 16 bytes of the secret are 21 or more base64 characters that only they decide: gone.
        assertThat(lines.getFirst().replace(SecretMask.MASK, "").length()).isLessThanOrEqualTo(base64(script).length() - 20);
    }

    @Test
    void theSecretInLowerCaseHexFromXxdIsMasked() throws Exception {
        assertMasked(relayed("printf %s \"$S\" | xxd -p"), HexFormat.of().formatHex(SECRET.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void theSecretInUpperCaseHexIsMasked() throws Exception {
        assertMasked(relayed("printf %s \"$S\" | xxd -p -u"),
                HexFormat.of().withUpperCase().formatHex(SECRET.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void theSecretsBytesFromOdAreMasked() throws Exception {
        List<String> lines = relayed("printf %s \"$S\" | od -An -tx1");
        assertThat(String.join("", lines)).contains(SecretMask.MASK);
        assertThat(String.join("", lines).replace(" ", "")).doesNotContain(HexFormat.of().formatHex(SECRET.getBytes(
                StandardCharsets.UTF_8)).substring(0, 8));
    }

    @Test
    void thePasswordUrlEncodedIsMasked() throws Exception {
        List<String> lines = relayed("python3 -c 'import os, urllib.parse as u; print(u.quote(os.environ[\"P\"], safe=\"\"));"
                + " print(u.quote_plus(os.environ[\"P\"]))'");
        assertThat(lines).containsExactly(SecretMask.MASK, SecretMask.MASK);
        assertThat(URLEncoder.encode(PASSWORD, StandardCharsets.UTF_8)).isNotEqualTo(PASSWORD); // it was a different form
    }

    private static void assertMasked(List<String> lines, String form) {
        assertThat(form).isNotEmpty();
        assertThat(lines).isNotEmpty().allSatisfy(line -> assertThat(line).contains(SecretMask.MASK).doesNotContain(form));
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** What the agent logs of the pipeline's output, masked as it masks a task's login and build secret. */
    private List<String> relayed(String pipeline) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AgentLog log = new AgentLog(new PrintStream(bytes, true, StandardCharsets.UTF_8), Clock.systemUTC(), "b-1", "amd64",
                "amd64");
        log.mask(SecretMask.loginForms("planter", PASSWORD));
        log.mask(SecretMask.valueForms(SECRET));
        ProcessRunner.Outcome outcome = new ProcessRunner(log).run(List.of("sh", "-c", pipeline), dir,
                Map.of("S", SECRET, "P", PASSWORD), "build");
        assertThat(outcome.exitCode()).as(bytes.toString(StandardCharsets.UTF_8)).isZero();
        List<String> lines = new ArrayList<>();
        for (String line : bytes.toString(StandardCharsets.UTF_8).split("\n")) {
            lines.add(JSON.readTree(line).path("msg").asText());
        }
        return lines;
    }
}
