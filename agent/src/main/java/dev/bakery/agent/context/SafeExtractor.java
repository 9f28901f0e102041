package dev.bakery.agent.context;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Extracts an untrusted build context ({@code .tar.gz}) into the agent's workspace.
 *
 * <p>The archive comes from whoever may start a build, and the agent runs as root, so every entry is
 * checked before anything touches the disk: nothing is ever written outside the workspace, no link
 * may lead out of it, and sizes are bounded by bytes actually decompressed. A refusal is an
 * {@link UnsafeArchiveException} naming the entry. Files get mode 0755 or 0644 (the owner's execute
 * bit is kept; setuid, setgid, sticky and owners are dropped); directories get 0755.
 *
 * <p>Symlinks are created last, after the whole archive has been read: a later symlink can change
 * where an earlier one leads, so each is checked again against the final tree, and until then no
 * symlink exists on disk for a write to go through. On refusal the workspace may hold the entries
 * extracted before the offending one, but no symlink.
 */
public final class SafeExtractor {

    /**
     * Limits on one archive. {@code maxTotalBytes} counts decompressed bytes as the inflater produces
     * them (tar headers and padding included), not what the tar headers claim.
     */
    public record Limits(long maxEntryBytes, long maxTotalBytes, int maxEntries) {
        /** 1 GiB per entry, 4 GiB in total, 200,000 entries. */
        public static final Limits DEFAULT = new Limits(1L << 30, 4L << 30, 200_000);

        public Limits {
            if (maxEntryBytes < 0 || maxTotalBytes < 0 || maxEntries < 0) {
                throw new IllegalArgumentException("limits cannot be negative");
            }
        }
    }

    /**
     * What was extracted: regular files, directories created (listed or implied by a path; not the
     * workspace itself), links (symbolic and hard) and the bytes of regular files.
     */
    public record Summary(int files, int directories, int links, long bytes) {}

    private SafeExtractor() {}

    /**
     * Streams a {@code .tar.gz} into {@code workspace}, which must be an existing empty directory.
     * {@code tarGz} is read to its end (so the gzip checksum is verified) but not closed.
     *
     * @throws UnsafeArchiveException if the archive is refused or corrupt
     * @throws IOException if reading {@code tarGz} or writing the workspace fails
     */
    public static Summary extract(InputStream tarGz, Path workspace, Limits limits) throws IOException {
        Objects.requireNonNull(tarGz, "tarGz");
        Objects.requireNonNull(workspace, "workspace");
        Objects.requireNonNull(limits, "limits");
        Path root = emptyDirectory(workspace);
        try (DecompressedStream decompressed = DecompressedStream.open(tarGz, limits.maxTotalBytes());
                TarReader tar = new TarReader(decompressed)) {
            return new Run(root, limits, decompressed, tar).extractAll();
        }
    }

    private static Path emptyDirectory(Path workspace) throws IOException {
        Path root = workspace.toRealPath();
        if (!Files.isDirectory(root)) {
            throw new NotDirectoryException(workspace.toString());
        }
        try (DirectoryStream<Path> children = Files.newDirectoryStream(root)) {
            // Duplicate and write-through checks trust the record of what this archive created.
            if (children.iterator().hasNext()) {
                throw new DirectoryNotEmptyException(workspace.toString());
            }
        }
        return root;
    }

    /** What an archive path holds so far. */
    private enum Kind {
        /** A directory made because a deeper entry needed it; the archive may still list it. */
        IMPLIED_DIRECTORY,
        DIRECTORY,
        FILE,
        HARDLINK,
        SYMLINK
    }

    private enum Resolution { INSIDE, ESCAPES, TOO_DEEP }

    /** A symlink waiting to be created once the whole archive is known. */
    private record Symlink(String entry, List<String> directory, String path, String target) {}

    /** One extraction: the archive's view of the workspace and the counters. */
    private static final class Run {
        /** Symlinks followed while resolving one target, as Linux allows (MAXSYMLINKS). */
        private static final int MAX_SYMLINK_HOPS = 40;
        private static final Set<PosixFilePermission> EXECUTABLE = PosixFilePermissions.fromString("rwxr-xr-x");
        private static final Set<PosixFilePermission> REGULAR = PosixFilePermissions.fromString("rw-r--r--");

        private final Path root;
        private final Limits limits;
        private final DecompressedStream decompressed;
        private final TarReader tar;
        /** Archive path ("a/b") to what this archive put there; the disk is never consulted instead. */
        private final Map<String, Kind> tree = new HashMap<>();
        private final Map<String, String> symlinkTargets = new HashMap<>();
        private final List<Symlink> symlinks = new ArrayList<>();
        private final byte[] buffer = new byte[64 * 1024];
        private int entries;
        private int files;
        private int directories;
        private int links;
        private long bytes;

        Run(Path root, Limits limits, DecompressedStream decompressed, TarReader tar) {
            this.root = root;
            this.limits = limits;
            this.decompressed = decompressed;
            this.tar = tar;
        }

        Summary extractAll() throws IOException {
            TarReader.Entry entry;
            while ((entry = nextEntry()) != null) {
                extract(entry);
            }
            drain();
            createSymlinks();
            return new Summary(files, directories, links, bytes);
        }

        private TarReader.Entry nextEntry() throws IOException {
            try {
                return tar.next();
            } catch (IOException e) {
                throw translate(e, null);
            }
        }

        /**
         * Reads past the end of the tar data: verifies the gzip trailer (a truncated upload is not
         * accepted) and counts whatever follows, so a bomb hidden behind the end of the tar is caught.
         */
        private void drain() throws IOException {
            try {
                while (decompressed.read(buffer, 0, buffer.length) >= 0) {
                    // counted by the stream
                }
            } catch (IOException e) {
                throw translate(e, null);
            }
        }

        private void extract(TarReader.Entry entry) throws IOException {
            String name = ArchiveNames.decodeStrictly(entry.rawName());
            String shown = name != null ? name : ArchiveNames.escapeBytes(entry.rawName());
            if (++entries > limits.maxEntries()) {
                throw UnsafeArchiveException.entry(shown, "the archive has more than " + limits.maxEntries() + " entries");
            }
            if (name == null) {
                throw UnsafeArchiveException.entry(shown, "name is not valid UTF-8");
            }
            List<String> parts = checkedPath(name, entry.rawName().length);
            TarArchiveEntry header = entry.header();
            if (header.getRealSize() > limits.maxEntryBytes()) {
                throw overEntryLimit(name);
            }
            switch (header.getLinkFlag()) {
                case TarConstants.LF_NORMAL, TarConstants.LF_OLDNORM, TarConstants.LF_CONTIG, TarConstants.LF_GNUTYPE_SPARSE -> {
                    // Pre-POSIX archivers mark directories only by the trailing slash.
                    if (name.endsWith("/")) {
                        directory(name, parts);
                    } else {
                        file(name, parts, header);
                    }
                }
                case TarConstants.LF_DIR -> directory(name, parts);
                case TarConstants.LF_SYMLINK -> symlink(name, parts, linkTarget(name, entry.rawLink()));
                case TarConstants.LF_LINK -> hardlink(name, parts, linkTarget(name, entry.rawLink()));
                case TarConstants.LF_CHR -> throw UnsafeArchiveException.entry(name, "character device entries are not allowed");
                case TarConstants.LF_BLK -> throw UnsafeArchiveException.entry(name, "block device entries are not allowed");
                case TarConstants.LF_FIFO -> throw UnsafeArchiveException.entry(name, "FIFO entries are not allowed");
                default -> throw UnsafeArchiveException.entry(name, "unsupported entry type " + describe(header.getLinkFlag()));
            }
        }

        /** The name's components below the workspace, refusing anything that could leave it. */
        private static List<String> checkedPath(String name, int rawLength) throws UnsafeArchiveException {
            if (rawLength > ArchiveNames.MAX_NAME_BYTES) {
                throw UnsafeArchiveException.entry(name, "name is longer than " + ArchiveNames.MAX_NAME_BYTES + " bytes");
            }
            if (name.isEmpty()) {
                throw UnsafeArchiveException.entry(name, "empty name");
            }
            if (name.indexOf('\0') >= 0) {
                throw UnsafeArchiveException.entry(name, "name contains a NUL byte");
            }
            if (name.startsWith("/")) {
                throw UnsafeArchiveException.entry(name, "absolute path");
            }
            List<String> parts = ArchiveNames.components(name);
            for (String part : parts) {
                if (part.equals("..")) {
                    throw UnsafeArchiveException.entry(name, "path contains a \"..\" segment");
                }
                if (part.getBytes(StandardCharsets.UTF_8).length > ArchiveNames.MAX_COMPONENT_BYTES) {
                    throw UnsafeArchiveException.entry(name, "path component longer than " + ArchiveNames.MAX_COMPONENT_BYTES + " bytes");
                }
            }
            return parts;
        }

        private static String linkTarget(String name, byte[] raw) throws UnsafeArchiveException {
            String target = ArchiveNames.decodeStrictly(raw);
            if (target == null) {
                throw UnsafeArchiveException.entry(name, "link target is not valid UTF-8");
            }
            if (raw.length > ArchiveNames.MAX_NAME_BYTES) {
                throw UnsafeArchiveException.entry(name, "link target is longer than " + ArchiveNames.MAX_NAME_BYTES + " bytes");
            }
            if (target.indexOf('\0') >= 0) {
                throw UnsafeArchiveException.entry(name, "link target contains a NUL byte");
            }
            return target;
        }

        private void directory(String name, List<String> parts) throws IOException {
            if (parts.isEmpty()) {
                return; // "./": the workspace itself
            }
            String path = claim(name, parts, true);
            if (tree.get(path) == Kind.IMPLIED_DIRECTORY) {
                tree.put(path, Kind.DIRECTORY);
                return;
            }
            makeDirectory(name, path);
            tree.put(path, Kind.DIRECTORY);
        }

        private void file(String name, List<String> parts, TarArchiveEntry header) throws IOException {
            requireNotRoot(name, parts);
            if (header.getRealSize() > limits.maxTotalBytes() - decompressed.count()) {
                throw overTotalLimit(name);
            }
            String path = claim(name, parts, false);
            Path target = onDisk(name, path);
            long written = 0;
            try (OutputStream out = Files.newOutputStream(target,
                    StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                int n;
                while ((n = readData(name)) >= 0) {
                    written += n;
                    // The header was checked already; this holds even if a header lied.
                    if (written > limits.maxEntryBytes()) {
                        throw overEntryLimit(name);
                    }
                    out.write(buffer, 0, n);
                }
            }
            setPermissions(target, (header.getMode() & 0100) != 0 ? EXECUTABLE : REGULAR);
            tree.put(path, Kind.FILE);
            files++;
            bytes += written;
        }

        private int readData(String name) throws IOException {
            try {
                return tar.read(buffer, 0, buffer.length);
            } catch (IOException e) {
                throw translate(e, name);
            }
        }

        private void symlink(String name, List<String> parts, String target) throws IOException {
            requireNotRoot(name, parts);
            if (target.isEmpty()) {
                throw UnsafeArchiveException.entry(name, "symlink target is empty");
            }
            List<String> directory = List.copyOf(parts.subList(0, parts.size() - 1));
            // Checked now to refuse early, and again at the end against the final tree.
            requireInside(name, directory, target);
            String path = claim(name, parts, false);
            tree.put(path, Kind.SYMLINK);
            symlinkTargets.put(path, target);
            symlinks.add(new Symlink(name, directory, path, target));
            links++;
        }

        private void hardlink(String name, List<String> parts, String target) throws IOException {
            requireNotRoot(name, parts);
            String shownTarget = "hardlink target \"" + UnsafeArchiveException.display(target) + "\"";
            if (target.startsWith("/")) {
                throw UnsafeArchiveException.entry(name, shownTarget + " is outside the workspace");
            }
            List<String> targetParts = ArchiveNames.components(target);
            if (targetParts.contains("..")) {
                throw UnsafeArchiveException.entry(name, shownTarget
                        + (climbsOut(targetParts) ? " is outside the workspace" : " contains a \"..\" segment"));
            }
            String targetPath = String.join("/", targetParts);
            Kind kind = targetParts.isEmpty() ? Kind.DIRECTORY : tree.get(targetPath);
            if (kind == null) {
                throw UnsafeArchiveException.entry(name, shownTarget + " was not extracted before");
            }
            if (kind != Kind.FILE && kind != Kind.HARDLINK) {
                throw UnsafeArchiveException.entry(name, shownTarget + " is not a regular file extracted by this archive");
            }
            String path = claim(name, parts, false);
            // link(2) does not follow a symlink, and the target is a regular file this run wrote.
            Files.createLink(onDisk(name, path), onDisk(target, targetPath));
            tree.put(path, Kind.HARDLINK);
            links++;
        }

        private static boolean climbsOut(List<String> parts) {
            int depth = 0;
            for (String part : parts) {
                depth += part.equals("..") ? -1 : 1;
                if (depth < 0) {
                    return true;
                }
            }
            return false;
        }

        private static void requireNotRoot(String name, List<String> parts) throws UnsafeArchiveException {
            if (parts.isEmpty()) {
                throw UnsafeArchiveException.entry(name, "names the workspace itself");
            }
        }

        /**
         * Checks that an entry may take its path (no symlink or file among its parents, not there
         * yet), creates the missing parent directories and returns the path.
         */
        private String claim(String name, List<String> parts, boolean isDirectory) throws IOException {
            List<String> missing = new ArrayList<>();
            for (int i = 1; i < parts.size(); i++) {
                String parent = String.join("/", parts.subList(0, i));
                Kind kind = tree.get(parent);
                if (kind == null) {
                    missing.add(parent);
                } else if (kind == Kind.SYMLINK) {
                    throw throughSymlink(name, parent);
                } else if (kind == Kind.FILE || kind == Kind.HARDLINK) {
                    throw UnsafeArchiveException.entry(name, "parent \"" + UnsafeArchiveException.display(parent) + "\" is not a directory");
                }
            }
            String path = String.join("/", parts);
            Kind existing = tree.get(path);
            if (existing == Kind.SYMLINK) {
                throw throughSymlink(name, path);
            }
            if (existing == Kind.IMPLIED_DIRECTORY && !isDirectory) {
                throw UnsafeArchiveException.entry(name, "already exists as a directory made for an earlier entry");
            }
            if (existing != null && existing != Kind.IMPLIED_DIRECTORY) {
                throw UnsafeArchiveException.entry(name, "appears twice");
            }
            for (String parent : missing) {
                makeDirectory(name, parent);
                tree.put(parent, Kind.IMPLIED_DIRECTORY);
            }
            return path;
        }

        private void makeDirectory(String name, String path) throws IOException {
            Path directory = onDisk(name, path);
            Files.createDirectory(directory);
            setPermissions(directory, EXECUTABLE);
            directories++;
        }

        private void createSymlinks() throws IOException {
            for (Symlink link : symlinks) {
                requireInside(link.entry(), link.directory(), link.target());
            }
            for (Symlink link : symlinks) {
                Files.createSymbolicLink(onDisk(link.entry(), link.path()), fileSystemPath(link.entry(), link.target()));
            }
        }

        private void requireInside(String name, List<String> directory, String target) throws UnsafeArchiveException {
            String shownTarget = "symlink target \"" + UnsafeArchiveException.display(target) + "\"";
            switch (resolve(directory, target)) {
                case ESCAPES -> throw UnsafeArchiveException.entry(name, shownTarget + " leaves the workspace");
                case TOO_DEEP -> throw UnsafeArchiveException.entry(name,
                        shownTarget + " does not resolve within " + MAX_SYMLINK_HOPS + " symlinks");
                case INSIDE -> {
                    // fine
                }
            }
        }

        /**
         * Follows a symlink target from the link's directory the way the kernel does, through the
         * symlinks this archive holds, and tells whether it ever climbs above the workspace. A
         * component the archive does not hold counts as a directory, which can only be stricter.
         */
        private Resolution resolve(List<String> directory, String target) {
            if (target.startsWith("/")) {
                return Resolution.ESCAPES;
            }
            List<String> at = new ArrayList<>(directory);
            Deque<String> pending = new ArrayDeque<>(ArchiveNames.components(target));
            int hops = 0;
            while (!pending.isEmpty()) {
                String part = pending.removeFirst();
                if (part.equals("..")) {
                    if (at.isEmpty()) {
                        return Resolution.ESCAPES;
                    }
                    at.removeLast();
                    continue;
                }
                at.add(part);
                String next = symlinkTargets.get(String.join("/", at));
                if (next != null) {
                    if (++hops > MAX_SYMLINK_HOPS) {
                        return Resolution.TOO_DEEP;
                    }
                    if (next.startsWith("/")) {
                        return Resolution.ESCAPES;
                    }
                    at.removeLast();
                    List<String> expansion = ArchiveNames.components(next);
                    for (int i = expansion.size() - 1; i >= 0; i--) {
                        pending.addFirst(expansion.get(i));
                    }
                }
            }
            return Resolution.INSIDE;
        }

        /** The workspace path of a checked archive path. */
        private Path onDisk(String name, String path) throws IOException {
            return root.resolve(fileSystemPath(name, path));
        }

        private Path fileSystemPath(String name, String path) throws IOException {
            try {
                return root.getFileSystem().getPath(path);
            } catch (InvalidPathException e) {
                // Happens for non-ASCII names when the JVM runs under the C locale.
                throw new IOException("cannot extract \"" + UnsafeArchiveException.display(name) + "\": this JVM encodes file names as "
                        + System.getProperty("sun.jnu.encoding") + "; run it with LANG=C.UTF-8", e);
            }
        }

        private static void setPermissions(Path path, Set<PosixFilePermission> permissions) throws IOException {
            Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setPermissions(permissions);
        }

        private static UnsafeArchiveException throughSymlink(String name, String symlink) {
            return UnsafeArchiveException.entry(name,
                    "would write through symlink \"" + UnsafeArchiveException.display(symlink) + "\" extracted earlier");
        }

        private UnsafeArchiveException overEntryLimit(String name) {
            return UnsafeArchiveException.entry(name, "larger than the per-entry limit of " + limits.maxEntryBytes() + " bytes");
        }

        private UnsafeArchiveException overTotalLimit(String name) {
            return UnsafeArchiveException.entry(name,
                    "the archive exceeds the total limit of " + limits.maxTotalBytes() + " decompressed bytes");
        }

        /**
         * Turns a failure while reading the archive into what the user should see: a refusal naming
         * the entry being read (or the archive), or the caller's own I/O error.
         */
        private IOException translate(IOException failure, String entry) {
            for (Throwable t = failure; t != null; t = t.getCause()) {
                if (t instanceof UnsafeArchiveException refusal) {
                    return refusal;
                }
                if (t instanceof DecompressedStream.SourceFailure source) {
                    return source.original();
                }
                if (t instanceof DecompressedStream.LimitExceeded) {
                    return entry != null ? overTotalLimit(entry) : UnsafeArchiveException.archive(
                            "exceeds the total limit of " + limits.maxTotalBytes() + " decompressed bytes");
                }
                if (t instanceof DecompressedStream.CorruptGzip) {
                    return UnsafeArchiveException.archive("the gzip data is corrupt or truncated", t.getCause());
                }
            }
            // Anything else came from commons-compress parsing the tar data.
            String reason = "corrupt tar data (" + Objects.requireNonNullElse(failure.getMessage(), failure.getClass().getSimpleName()) + ")";
            return entry != null ? UnsafeArchiveException.entry(entry, reason, failure) : UnsafeArchiveException.archive(reason, failure);
        }

        private static String describe(byte flag) {
            return flag >= 0x21 && flag < 0x7f ? "'" + (char) flag + "'" : "0x" + String.format("%02X", flag & 0xff);
        }
    }
}
