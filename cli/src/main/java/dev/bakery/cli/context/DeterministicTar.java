package dev.bakery.cli.context;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.LinkOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Writes entries as a tar stream whose bytes depend only on names, kinds, modes, sizes, link targets
 * and contents: every mtime is {@link #MTIME}, owners are 0:0 without names, long names use GNU
 * long-name entries and large sizes star's binary fields, so no PAX header (with its times) appears.
 */
final class DeterministicTar {

    /**
     * 2000-01-01T00:00:00Z. Not the epoch: zip-based tools (Python wheels, jar signing) refuse file
     * times before 1980, and the build sees these times on every file it copies.
     */
    static final FileTime MTIME = FileTime.from(Instant.parse("2000-01-01T00:00:00Z"));

    private static final int READ_BUFFER = 256 * 1024;

    private DeterministicTar() {}

    /** Writes the archive, ending with tar's end-of-archive blocks; {@code out} is left open. */
    static void write(List<ContextEntry> entries, OutputStream out) throws IOException {
        TarArchiveOutputStream tar = new TarArchiveOutputStream(new Unclosed(out), StandardCharsets.UTF_8.name());
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_GNU);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_STAR);
        ByteBuffer buffer = ByteBuffer.allocate(READ_BUFFER);
        for (ContextEntry entry : entries) {
            TarArchiveEntry header = header(entry);
            tar.putArchiveEntry(header);
            if (entry.kind() == ContextEntry.Kind.FILE) {
                copy(entry, tar, buffer);
            }
            tar.closeArchiveEntry();
        }
        tar.close(); // writes the end-of-archive blocks; Unclosed keeps out open
    }

    private static TarArchiveEntry header(ContextEntry entry) {
        TarArchiveEntry header = switch (entry.kind()) {
            case DIRECTORY -> new TarArchiveEntry(entry.archiveName(), TarConstants.LF_DIR);
            case FILE -> new TarArchiveEntry(entry.name(), TarConstants.LF_NORMAL);
            case SYMLINK -> new TarArchiveEntry(entry.name(), TarConstants.LF_SYMLINK);
        };
        if (entry.kind() == ContextEntry.Kind.SYMLINK) {
            header.setLinkName(entry.target());
        }
        header.setSize(entry.size());
        header.setMode(entry.mode());
        header.setModTime(MTIME);
        header.setIds(0, 0);
        header.setUserName("");
        header.setGroupName("");
        return header;
    }

    /** Copies exactly the size the walk saw, without following a symlink swapped in since. */
    private static void copy(ContextEntry entry, OutputStream tar, ByteBuffer buffer) throws IOException {
        long left = entry.size();
        try (FileChannel file = open(entry)) {
            while (left > 0) {
                buffer.clear().limit((int) Math.min(buffer.capacity(), left));
                int n = read(entry, file, buffer);
                if (n < 0) {
                    throw new ContextException("cannot read " + entry.source()
                            + ": it shrank while it was being packed; pack again once it stops changing");
                }
                tar.write(buffer.array(), 0, n);
                left -= n;
            }
        }
    }

    private static FileChannel open(ContextEntry entry) throws ContextException {
        try {
            return FileChannel.open(entry.source(), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new ContextException("cannot read " + entry.source() + ": " + ContextWalker.reason(e), e);
        }
    }

    private static int read(ContextEntry entry, FileChannel file, ByteBuffer buffer) throws ContextException {
        try {
            return file.read(buffer);
        } catch (IOException e) {
            throw new ContextException("cannot read " + entry.source() + ": " + ContextWalker.reason(e), e);
        }
    }

    /** Lets the tar stream finish without closing the compressor under it. */
    private static final class Unclosed extends java.io.FilterOutputStream {
        Unclosed(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}
