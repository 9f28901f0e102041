package dev.bakery.cli.context;

import java.io.IOException;

/**
 * The context cannot be packed because of something in the user's tree or {@code .dockerignore}
 * (an unreadable file, a FIFO, a bad pattern). The message names the path and is meant to be printed
 * as is; other {@link IOException}s from packing are the machine's (disk full, temp dir missing).
 */
public final class ContextException extends IOException {
    private static final long serialVersionUID = 1L;

    public ContextException(String message) {
        super(message);
    }

    public ContextException(String message, Throwable cause) {
        super(message, cause);
    }
}
