package dev.bakery.cli.output;

import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;

/**
 * Keeps a build's text from driving the user's terminal. A build prints what it likes, and an
 * escape sequence in it would reach the terminal through the CLI: OSC 52 writes the clipboard, OSC 8
 * makes links, OSC 0 sets the title, CSI moves the cursor and rewrites lines already shown, DCS talks
 * to the terminal itself. Everything the CLI prints passes a {@link #guard}: every ESC sequence (CSI,
 * OSC, DCS, SOS, PM, APC and the two-character ones), their one-byte C1 forms and every other C0 or
 * C1 control character is dropped, except tab and line feed, and except the colours and the carriage
 * return (the progress bar's) the CLI itself prints on a terminal. Text from a build is also
 * {@link #strip stripped} where it is rendered, so even those colours come only from the CLI.
 *
 * <p>Written here rather than taken from Jansi: its {@code AnsiOutputStream} parses {@code ESC [} and
 * {@code ESC ]} sequences only, not DCS, SOS, PM, APC or the one-byte C1 forms, and cannot let exactly
 * the CLI's own colours through while dropping a build's.
 */
public final class TerminalText {

    private TerminalText() {
    }

    /** The text without control sequences or control characters, tab and line feed kept. */
    public static String strip(String text) {
        if (text == null || text.chars().noneMatch(TerminalText::control)) {
            return text;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
        try (Filter filter = new Filter(bytes, Set.of(), false, true)) {
            filter.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** {@link #strip} and then tabs and line feeds as spaces: one line (a table cell, a CI output value). */
    public static String oneLine(String text) {
        String stripped = strip(text);
        return stripped == null ? null : stripped.replace('\t', ' ').replace('\n', ' ');
    }

    /**
     * {@code stream} behind the filter.
     *
     * @param ownOutput whether the CLI colours its output (a terminal): then its own colours (exactly
     *                  these SGR sequences) and carriage returns pass
     */
    public static PrintStream guard(PrintStream stream, boolean ownOutput) {
        Charset charset = stream.charset();
        return new PrintStream(new Filter(stream, ownOutput ? TextRenderer.COLOURS : Set.of(), ownOutput,
                charset.equals(StandardCharsets.UTF_8)), true, charset);
    }

    private static boolean control(int c) {
        return c < 0x20 && c != '\t' && c != '\n' || c >= 0x7f && c <= 0x9f;
    }

    private enum State { TEXT, UTF8_C2, ESC, ESC_INTERMEDIATE, CSI, STRING, STRING_ESC, STRING_C2 }

    /**
     * The filter, byte by byte over the encoded text: C1 controls are {@code C2 80..9F} in UTF-8, the
     * bytes {@code 80..9F} themselves in a single-byte charset. A string sequence (OSC, DCS, ...)
     * that is never terminated ends at the next line feed, so it cannot swallow the rest of the output.
     */
    private static final class Filter extends FilterOutputStream {

        private static final int MAX_KEPT = 16;

        private final Set<String> keep;
        private final boolean carriageReturn;
        private final boolean utf8;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private final byte[] sequence = new byte[MAX_KEPT];
        private int length;
        private State state = State.TEXT;

        Filter(OutputStream out, Set<String> keep, boolean carriageReturn, boolean utf8) {
            super(out);
            this.keep = keep;
            this.carriageReturn = carriageReturn;
            this.utf8 = utf8;
        }

        @Override
        public synchronized void write(int b) throws IOException {
            accept(b & 0xff);
            pass();
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            for (int i = off; i < off + len; i++) {
                accept(b[i] & 0xff);
            }
            pass();
        }

        /** What a write kept goes on in one piece. */
        private void pass() throws IOException {
            if (kept.size() > 0) {
                kept.writeTo(out);
                kept.reset();
            }
        }

        @Override
        public synchronized void close() throws IOException {
            if (state == State.UTF8_C2) {
                kept.write(0xc2);
                pass();
            }
            state = State.TEXT;
            super.close();
        }

        private void accept(int b) {
            switch (state) {
                case TEXT -> text(b);
                case UTF8_C2 -> {
                    state = State.TEXT;
                    if (b >= 0x80 && b <= 0x9f) {
                        c1(b);
                    } else {
                        kept.write(0xc2);
                        text(b);
                    }
                }
                case ESC -> {
                    if (b == '[') {
                        remember(b);
                        state = State.CSI;
                    } else if (b == ']' || b == 'P' || b == 'X' || b == '^' || b == '_') {
                        state = State.STRING;
                    } else if (b >= 0x20 && b <= 0x2f) {
                        state = State.ESC_INTERMEDIATE;
                    } else if (b >= 0x30 && b <= 0x7e) {
                        state = State.TEXT;
                    } else {
                        state = State.TEXT;
                        text(b);
                    }
                }
                case ESC_INTERMEDIATE -> {
                    if (b >= 0x30 && b <= 0x7e) {
                        state = State.TEXT;
                    } else if (b < 0x20 || b > 0x2f) {
                        state = State.TEXT;
                        text(b);
                    }
                }
                case CSI -> {
                    if (b >= 0x20 && b <= 0x3f) {
                        remember(b);
                    } else if (b >= 0x40 && b <= 0x7e) {
                        remember(b);
                        state = State.TEXT;
                        if (length <= MAX_KEPT && keep.contains(new String(sequence, 0, length, StandardCharsets.US_ASCII))) {
                            kept.write(sequence, 0, length);
                        }
                    } else {
                        state = State.TEXT;
                        text(b);
                    }
                }
                case STRING -> {
                    if (b == 0x07) {
                        state = State.TEXT;
                    } else if (b == 0x1b) {
                        state = State.STRING_ESC;
                    } else if (b == '\n') {
                        state = State.TEXT;
                        text(b);
                    } else if (utf8 && b == 0xc2) {
                        state = State.STRING_C2;
                    } else if (!utf8 && b == 0x9c) {
                        state = State.TEXT;
                    }
                }
                case STRING_ESC -> {
                    // ESC \ is the terminator; any other ESC starts a new sequence, which ends the string too.
                    state = State.TEXT;
                    if (b != '\\') {
                        escape();
                        accept(b);
                    }
                }
                case STRING_C2 -> {
                    state = b == 0x9c ? State.TEXT : State.STRING;
                    if (state == State.STRING) {
                        accept(b);
                    }
                }
            }
        }

        private void text(int b) {
            if (b == 0x1b) {
                escape();
            } else if (utf8 && b == 0xc2) {
                state = State.UTF8_C2;
            } else if (!utf8 && b >= 0x80 && b <= 0x9f) {
                c1(b);
            } else if (b == '\t' || b == '\n' || b == '\r' && carriageReturn || b >= 0x20 && b != 0x7f) {
                kept.write(b);
            }
        }

        /** A C1 control: CSI and the string introducers start their sequence, the rest is dropped. */
        private void c1(int b) {
            switch (b & 0x7f | 0x40) {
                case '[' -> {
                    escape();
                    remember('[');
                    state = State.CSI;
                }
                case ']', 'P', 'X', '^', '_' -> state = State.STRING;
                default -> state = State.TEXT;
            }
        }

        private void escape() {
            Arrays.fill(sequence, (byte) 0);
            length = 0;
            remember(0x1b);
            state = State.ESC;
        }

        private void remember(int b) {
            if (length < MAX_KEPT) {
                sequence[length] = (byte) b;
            }
            length++;
        }
    }
}
