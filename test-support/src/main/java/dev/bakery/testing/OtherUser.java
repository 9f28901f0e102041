package dev.bakery.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Another user of the machine, for real: runs a command as {@code nobody} (uid and gid 65534, no
 * supplementary groups) through {@code setpriv}. Needs root, as {@code .ci/run} has; a caller that
 * is not root fails loudly instead of testing nothing.
 */
public final class OtherUser {

    public static final int UID = 65534;

    /** What the command printed (stdout and stderr together) and how it exited. */
    public record Run(int exit, String output) {
        /** The last line printed: where the attack scripts put their JSON verdict. */
        public String lastLine() {
            return output.strip().lines().reduce((a, b) -> b).orElse("");
        }
    }

    private OtherUser() {
    }

    /** Runs {@code python3 -c script args...} as nobody. */
    public static Run python(String script, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("/usr/bin/python3", "-c", script));
        command.addAll(List.of(args));
        return run(command);
    }

    public static Run run(List<String> command) throws IOException, InterruptedException {
        if (!ProcessHandle.current().info().user().orElse("").equals("root")) {
            throw new AssertionError("running as another user needs root (setpriv): run the tests as root, as .ci/run does");
        }
        List<String> full = new ArrayList<>(List.of("setpriv", "--reuid=" + UID, "--regid=" + UID, "--clear-groups"));
        full.addAll(command);
        Process process = new ProcessBuilder(full).redirectErrorStream(true).start();
        String printed = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("the other user's command did not finish: " + command);
        }
        return new Run(process.exitValue(), printed);
    }
}
