package dev.bakery.cli.context;

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

/**
 * Lists what Docker would send from a context directory: the walk of {@code moby/go-archive}'s
 * {@code TarWithOptions} (names sorted byte-wise in each directory, symlinks never followed, an
 * excluded directory walked only when an exception names something below it, and then without its
 * own entry) with the Docker CLI's rule that the Dockerfile and {@code .dockerignore} are always sent.
 */
final class ContextWalker {

    static final String DOCKERIGNORE = ".dockerignore";

    /** What the walk found; {@code gitBytes} counts file bytes sent from under {@code .git/}. */
    record Result(List<ContextEntry> entries, long gitBytes) {}

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
    private final List<ContextEntry> entries = new ArrayList<>();
    private long gitBytes;

    private ContextWalker(IgnoreMatcher matcher) {
        this.matcher = matcher;
    }

    /**
     * @param root       the context directory (already resolved to a real directory)
     * @param dockerfile the Dockerfile's path relative to {@code root}, slash-separated
     */
    static Result walk(Path root, String dockerfile) throws IOException {
        ContextWalker walker = new ContextWalker(matcher(root, dockerfile));
        walker.walkDirectory(root, "", null);
        return new Result(List.copyOf(walker.entries), walker.gitBytes);
    }

    /** The {@code .dockerignore} patterns plus the exceptions the Docker CLI adds for the build files. */
    private static IgnoreMatcher matcher(Path root, String dockerfile) throws IOException {
        Path file = root.resolve(DOCKERIGNORE);
        List<IgnoreFile.Line> lines = Files.exists(file) ? IgnoreFile.parse(readIgnoreFile(file)) : List.of();
        List<String> patterns = new ArrayList<>(lines.stream().map(IgnoreFile.Line::pattern).toList());
        try {
            if (IgnoreMatcher.compile(patterns).matchesLegacy(DOCKERIGNORE)) {
                patterns.add("!" + DOCKERIGNORE);
            }
            String dockerfilePath = GoPaths.clean(dockerfile);
            if (!dockerfilePath.equals(".") && IgnoreMatcher.compile(patterns).matchesLegacy(dockerfilePath)) {
                patterns.add("!" + dockerfilePath);
            }
            return IgnoreMatcher.compile(patterns);
        } catch (IgnoreMatcher.BadLine e) {
            if (e.index() >= lines.size()) { // the exception added for the Dockerfile
                throw new ContextException("the Dockerfile path \"" + dockerfile + "\" cannot be used in "
                        + DOCKERIGNORE + " rules: " + e.getMessage());
            }
            IgnoreFile.Line line = lines.get(e.index());
            throw new ContextException(DOCKERIGNORE + " line " + line.number() + ": bad pattern \""
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
            String entryName = relative.isEmpty() ? name : relative + "/" + name;
            Map<String, Object> attributes;
            try {
                attributes = Files.readAttributes(path, "unix:mode,size", LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException e) {
                continue; // deleted since the directory was listed, as if it had never been there
            } catch (IOException e) {
                throw new ContextException("cannot read " + path + ": " + reason(e), e);
            }
            int mode = (Integer) attributes.get("mode");
            int type = mode & TYPE_MASK;
            IgnoreMatcher.Match match = matcher.match(entryName, parent);
            if (match.excluded()) {
                if (type == DIRECTORY && matcher.exceptionBelow(entryName)) {
                    walkDirectory(path, entryName, match);
                }
                continue;
            }
            switch (type) {
                case DIRECTORY -> {
                    entries.add(new ContextEntry(entryName, ContextEntry.Kind.DIRECTORY, mode & 07777, 0, null, null));
                    walkDirectory(path, entryName, match);
                }
                case REGULAR -> {
                    long size = (Long) attributes.get("size");
                    entries.add(new ContextEntry(entryName, ContextEntry.Kind.FILE, mode & 07777, size, null, path));
                    if (entryName.startsWith(".git/")) {
                        gitBytes += size;
                    }
                }
                case SYMLINK -> entries.add(new ContextEntry(entryName, ContextEntry.Kind.SYMLINK, 0777, 0,
                        Files.readSymbolicLink(path).toString(), null));
                case SOCKET -> {
                    // tar cannot hold a socket; Docker leaves them out too
                }
                default -> throw new ContextException("cannot send " + path + ": it is a " + special(type)
                        + ", which a build context cannot hold; add \"" + entryName + "\" to " + DOCKERIGNORE);
            }
        }
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
