package dev.bakery.cli.context;

import dev.bakery.core.WorkspacePaths;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Lists what Docker would send from a context directory: the walk of {@code moby/go-archive}'s
 * {@code TarWithOptions} (names sorted byte-wise in each directory, symlinks never followed, an
 * excluded directory walked only when an exception names something below it, and then without its
 * own entry) with the Docker CLI's rule that the Dockerfile and the ignore file are always sent.
 */
final class ContextWalker {

    static final String DOCKERIGNORE = ".dockerignore";

    private static final int TYPE_MASK = 0170000;
    private static final int DIRECTORY = 0040000;
    private static final int REGULAR = 0100000;
    private static final int SYMLINK = 0120000;
    private static final int FIFO = 0010000;
    private static final int CHARACTER_DEVICE = 0020000;
    private static final int BLOCK_DEVICE = 0060000;
    private static final int SOCKET = 0140000;

    private static final Comparator<String> BYTE_ORDER =
            (a, b) -> Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

    private final IgnoreMatcher matcher;
    private final String prefix;
    private final List<ContextEntry> entries = new ArrayList<>();

    private ContextWalker(IgnoreMatcher matcher, String prefix) {
        this.matcher = matcher;
        this.prefix = prefix;
    }

    /**
     * @param root       the context directory (already resolved to a real directory)
     * @param prefix     put before every entry's name: the context's path in the upload, {@code ""} or ending in {@code /}
     * @param ignoreFile the ignore file in effect ({@code .dockerignore} of the context, or the Dockerfile's own), or null
     * @param keep       paths relative to {@code root} the Docker CLI sends even when the ignore file
     *                   excludes them: the Dockerfile and the ignore file, when they are inside the context
     */
    static List<ContextEntry> walk(Path root, String prefix, Path ignoreFile, List<String> keep) throws IOException {
        ContextWalker walker = new ContextWalker(matcher(ignoreFile, keep), prefix);
        walker.walkDirectory(root, "", null);
        return List.copyOf(walker.entries);
    }

    /** The ignore file's patterns plus the exceptions the Docker CLI adds for the build files. */
    private static IgnoreMatcher matcher(Path ignoreFile, List<String> keep) throws IOException {
        List<IgnoreFile.Line> lines = ignoreFile != null && Files.exists(ignoreFile)
                ? IgnoreFile.parse(readIgnoreFile(ignoreFile)) : List.of();
        List<String> patterns = new ArrayList<>(lines.stream().map(IgnoreFile.Line::pattern).toList());
        String kept = null;
        try {
            for (String path : keep) {
                kept = path;
                String cleaned = WorkspacePaths.clean(path);
                if (!cleaned.equals(".") && IgnoreMatcher.compile(patterns).matchesLegacy(cleaned)) {
                    patterns.add("!" + cleaned);
                }
            }
            return IgnoreMatcher.compile(patterns);
        } catch (IgnoreMatcher.BadLine e) {
            if (e.index() >= lines.size()) { // an exception added for a build file
                throw new ContextException("the " + (kept.endsWith(DOCKERIGNORE) ? "ignore file" : "Dockerfile")
                        + " path \"" + kept + "\" cannot be used in " + DOCKERIGNORE
                        + " rules: " + e.getMessage());
            }
            IgnoreFile.Line line = lines.get(e.index());
            throw new ContextException(ignoreFile.getFileName() + " line " + line.number() + ": bad pattern \""
                    + line.pattern() + "\": " + e.getMessage());
        }
    }

    private static byte[] readIgnoreFile(Path file) throws IOException {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ContextException("cannot read " + file + ": " + reason(e), e);
        }
    }

    private void walkDirectory(Path directory, String relative, IgnoreMatcher.Match parent) throws IOException {
        for (String name : children(directory)) {
            Path path = directory.resolve(name);
            String relativeName = relative.isEmpty() ? name : relative + "/" + name;
            Map<String, Object> attributes = attributes(path);
            if (attributes == null) {
                continue; // deleted since the directory was listed, as if it had never been there
            }
            int type = (Integer) attributes.get("mode") & TYPE_MASK;
            IgnoreMatcher.Match match = matcher.match(relativeName, parent);
            if (match.excluded()) {
                if (type == DIRECTORY && matcher.exceptionBelow(relativeName)) {
                    walkDirectory(path, relativeName, match);
                }
                continue;
            }
            ContextEntry entry = entry(path, prefix + relativeName, attributes, relativeName);
            if (entry != null) {
                entries.add(entry);
                if (type == DIRECTORY) {
                    walkDirectory(path, relativeName, match);
                }
            }
        }
    }

    /**
     * One path sent on its own, outside any walk: a Dockerfile or ignore file outside the context, or a
     * directory above the context. Empty when it does not exist.
     */
    static Optional<ContextEntry> single(Path path, String entryName) throws IOException {
        Map<String, Object> attributes = attributes(path);
        return attributes == null ? Optional.empty()
                : Optional.ofNullable(entry(path, entryName, attributes, entryName));
    }

    /** The path's mode and size, not following a symlink; null when it does not exist. */
    private static Map<String, Object> attributes(Path path) throws IOException {
        try {
            return Files.readAttributes(path, "unix:mode,size", LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new ContextException("cannot read " + path + ": " + reason(e), e);
        }
    }

    /** The archive entry for a path; null for a socket, which tar cannot hold and Docker leaves out too. */
    private static ContextEntry entry(Path path, String entryName, Map<String, Object> attributes, String ignoreAs)
            throws IOException {
        int mode = (Integer) attributes.get("mode");
        int type = mode & TYPE_MASK;
        return switch (type) {
            case DIRECTORY -> new ContextEntry(entryName, ContextEntry.Kind.DIRECTORY, mode & 07777, 0, null, null);
            case REGULAR -> new ContextEntry(entryName, ContextEntry.Kind.FILE, mode & 07777, (Long) attributes.get("size"),
                    null, path);
            case SYMLINK -> new ContextEntry(entryName, ContextEntry.Kind.SYMLINK, 0777, 0,
                    Files.readSymbolicLink(path).toString(), null);
            case SOCKET -> null;
            default -> throw new ContextException("cannot send " + path + ": it is a " + special(type)
                    + ", which a build context cannot hold; add \"" + ignoreAs + "\" to " + DOCKERIGNORE);
        };
    }

    private List<String> children(Path directory) throws IOException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory)) {
            for (Path child : stream) {
                names.add(child.getFileName().toString());
            }
        } catch (IOException e) {
            throw new ContextException("cannot read " + directory + ": " + reason(e), e);
        }
        names.sort(BYTE_ORDER);
        return names;
    }

    private static String special(int type) {
        return switch (type) {
            case FIFO -> "named pipe (FIFO)";
            case CHARACTER_DEVICE -> "character device";
            case BLOCK_DEVICE -> "block device";
            default -> "special file";
        };
    }

    /** A short reason for a user: "permission denied" rather than the exception's class. */
    static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof FileSystemException fs && fs.getReason() != null) {
            return fs.getReason(); // its message would repeat the path
        }
        String message = e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message;
    }
}
