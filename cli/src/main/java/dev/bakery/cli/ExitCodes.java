package dev.bakery.cli;

/** The CLI's exit codes, for CI scripts to branch on. */
public final class ExitCodes {

    public static final int OK = 0;
    /** A build failed or was cancelled. */
    public static final int BUILD_FAILED = 1;
    /** Wrong flags, or config/compose errors. */
    public static final int USAGE = 2;
    /** The API, AWS or the network failed. */
    public static final int INFRASTRUCTURE = 3;
    /** SIGINT (128 + 2), as shells report it. */
    public static final int INTERRUPTED = 130;
    /** SIGTERM (128 + 15). */
    public static final int TERMINATED = 143;

    private ExitCodes() {
    }
}
