package dev.bakery.agent.context;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * The decompressed side of the gzip stream. It counts every byte the inflater really produces,
 * headers and padding included, so tar headers that lie about sizes cannot hide a gzip bomb, and it
 * tags gzip failures so they can be reported apart from tar and disk errors.
 */
final class DecompressedStream extends InputStream {

    /** The total limit was passed; the extractor turns this into a refusal naming what it was reading. */
    static final class LimitExceeded extends IOException {
        private static final long serialVersionUID = 1L;

        LimitExceeded() {
            super("decompressed size limit exceeded", null);
        }
    }

    /** The caller's stream failed (a broken download, say); reported as the caller's own exception. */
    static final class SourceFailure extends IOException {
        private static final long serialVersionUID = 1L;

        SourceFailure(IOException cause) {
            super(cause.getMessage(), cause);
        }

        IOException original() {
            return (IOException) getCause();
        }
    }

    /** The inflater failed: corrupt or truncated gzip data. */
    static final class CorruptGzip extends IOException {
        private static final long serialVersionUID = 1L;

        CorruptGzip(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    private static final int INFLATER_BUFFER = 64 * 1024;

    private final InputStream gzip;
    private final long limit;
    private final byte[] scratch = new byte[8192];
    private long count;

    private DecompressedStream(InputStream gzip, long limit) {
        this.gzip = gzip;
        this.limit = limit;
    }

    /** Starts inflating; the caller's stream is left open for the caller to close. */
    static DecompressedStream open(InputStream tarGz, long limit) throws IOException {
        try {
            return new DecompressedStream(new GZIPInputStream(new Source(tarGz), INFLATER_BUFFER), limit);
        } catch (SourceFailure e) {
            throw e.original();
        } catch (ZipException | EOFException e) {
            throw UnsafeArchiveException.archive("not gzip data", e);
        }
    }

    /** Decompressed bytes produced so far. */
    long count() {
        return count;
    }

    @Override
    public int read() throws IOException {
        int n = read(scratch, 0, 1);
        return n < 0 ? -1 : scratch[0] & 0xff;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        int n;
        try {
            n = gzip.read(buf, off, len);
        } catch (SourceFailure e) {
            throw e;
        } catch (IOException e) {
            throw new CorruptGzip(e);
        }
        if (n > 0) {
            count += n;
            // Overshoots by at most one buffer, which is only ever held in memory.
            if (count > limit) {
                throw new LimitExceeded();
            }
        }
        return n;
    }

    /** Skipped bytes are inflated all the same, so they are read (and counted) rather than skipped. */
    @Override
    public long skip(long n) throws IOException {
        long skipped = 0;
        while (skipped < n) {
            int r = read(scratch, 0, (int) Math.min(scratch.length, n - skipped));
            if (r < 0) {
                break;
            }
            skipped += r;
        }
        return skipped;
    }

    @Override
    public int available() throws IOException {
        return 0;
    }

    @Override
    public void close() throws IOException {
        gzip.close();
    }

    /** Tags the caller's own failures and keeps the caller's stream open. */
    private static final class Source extends FilterInputStream {
        Source(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            try {
                return in.read();
            } catch (IOException e) {
                throw new SourceFailure(e);
            }
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            try {
                return in.read(buf, off, len);
            } catch (IOException e) {
                throw new SourceFailure(e);
            }
        }

        @Override
        public void close() {
            // The caller opened it, the caller closes it.
        }
    }
}
