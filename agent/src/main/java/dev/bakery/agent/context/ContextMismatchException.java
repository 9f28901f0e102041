package dev.bakery.agent.context;

import java.io.IOException;

/**
 * The downloaded context is not the archive its key names: nothing of it was extracted or run. The
 * message is the task's error as is, with both digests and what became of the object.
 */
public final class ContextMismatchException extends IOException {
    private static final long serialVersionUID = 1L;

    ContextMismatchException(String key, String expected, String actual, String removal) {
        super("the context " + key + " is not the archive it names: expected sha256 " + expected + ", got sha256 " + actual
                + "; nothing was extracted or run, " + removal + " (upload the context again to build)");
    }
}
