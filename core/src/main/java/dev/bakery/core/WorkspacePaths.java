package dev.bakery.core;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rules every path of a plan meets, wherever the plan comes from: the CLI applies them while it
 * reads the config, the plan's records on construction (so the REST API, the store and the agent
 * apply them to every plan they read), and the API names the field and the rule when it refuses.
 *
 * <ul>
 *   <li>Every path: not empty, no control character (NUL, newline, ...), no backslash (a path in a
 *       plan uses {@code /}; a backslash is a file name character on Linux, a separator elsewhere).</li>
 *   <li>{@code contextPath}: relative to the workspace (the unpacked repository), no {@code ..} segment.</li>
 *   <li>{@code dockerfile}: relative to the context; it may climb out of the context (as
 *       {@code docker build -f ../Dockerfile app} does) but never out of the workspace.</li>
 *   <li>{@code ignorePaths}: paths in the image's file system ({@code --ignore-path}), so absolute ones
 *       are fine, but no {@code ..} segment.</li>
 *   <li>{@code extraFlags}: none sets the context or the Dockerfile ({@code --context}, {@code -c},
 *       {@code --dockerfile}, {@code -f}).</li>
 *   <li>a secret's {@code id} names a file under {@code /run/secrets}: letters, digits, {@code _ . -},
 *       and neither {@code .} nor {@code ..}.</li>
 * </ul>
 *
 * What these rules cannot see, a symbolic link in the context, the agent checks on the extracted
 * files before the builder runs.
 */
public final class WorkspacePaths {

    /** The builder's own flags for what {@code contextPath} and {@code dockerfile} say. */
    private static final Set<String> PATH_FLAGS = Set.of("--context", "-c", "--dockerfile", "-f");
    private static final Pattern SECRET_ID = Pattern.compile("[A-Za-z0-9_.-]+");
    private static final String DOT_DOT = "has a \"..\" segment: a path in a plan stays inside the workspace";

    private WorkspacePaths() {
    }

    /** @throws UnsafePathException naming {@code contextPath} */
    public static void contextPath(String path) {
        plain("contextPath", path);
        relative("contextPath", path, "must be relative to the workspace (the repository)");
        noDotDot("contextPath", path);
    }

    /**
     * @param contextPath a context path that passed {@link #contextPath}
     * @return the Dockerfile's path in the workspace, cleaned ({@code app/Dockerfile})
     * @throws UnsafePathException naming {@code dockerfile}
     */
    public static String dockerfile(String contextPath, String dockerfile) {
        plain("dockerfile", dockerfile);
        relative("dockerfile", dockerfile, "must be relative to the context");
        String inWorkspace = clean(contextPath.equals(".") ? dockerfile : contextPath + "/" + dockerfile);
        if (inWorkspace.equals("..") || inWorkspace.startsWith("../")) {
            throw new UnsafePathException("dockerfile", dockerfile, "leaves the workspace (from context \"" + contextPath
                    + "\" it is " + inWorkspace + "): only the repository is uploaded");
        }
        if (inWorkspace.equals(".")) {
            throw new UnsafePathException("dockerfile", dockerfile, "names the workspace itself, not a file");
        }
        return inWorkspace;
    }

    /** @param field where the path is, e.g. {@code ignorePaths[1]} */
    public static void ignorePath(String field, String path) {
        plain(field, path);
        noDotDot(field, path);
    }

    /**
     * An extra builder flag may not set the context or the Dockerfile: that would bypass these rules.
     *
     * @param field where the flag is, e.g. {@code extraFlags[0]}
     */
    public static void extraFlag(String field, String flag) {
        if (flag != null && PATH_FLAGS.contains(flag.replaceFirst("=.*", ""))) {
            throw new UnsafePathException(field, flag, "sets the build context or the Dockerfile: use contextPath and"
                    + " dockerfile (kaniko.context-path, kaniko.dockerfile), whose paths are checked");
        }
    }

    /** @throws UnsafePathException naming {@code id} */
    public static void secretId(String id) {
        if (id == null || !SECRET_ID.matcher(id).matches() || id.equals(".") || id.equals("..")) {
            throw new UnsafePathException("id", id, "is not a secret id: letters, digits, '_', '.', '-', and not \".\" or"
                    + " \"..\" (it names a file under /run/secrets)");
        }
    }

    /** Go's {@code path/filepath.Clean} on a Unix system (Docker's ignore rules depend on its exact behaviour). */
    public static String clean(String path) {
        if (path.isEmpty()) {
            return ".";
        }
        boolean rooted = path.charAt(0) == '/';
        StringBuilder out = new StringBuilder();
        int kept = 0; // components in out that a later ".." may remove
        for (String part : path.split("/", -1)) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (kept > 0) {
                    int cut = out.lastIndexOf("/");
                    out.setLength(Math.max(cut, 0));
                    kept--;
                    continue;
                }
                if (rooted) {
                    continue; // "/.." is "/"
                }
            } else {
                kept++;
            }
            if (!out.isEmpty()) {
                out.append('/');
            }
            out.append(part);
        }
        if (rooted) {
            return "/" + out;
        }
        return out.isEmpty() ? "." : out.toString();
    }

    private static void plain(String field, String path) {
        if (path == null || path.isBlank()) {
            throw new UnsafePathException(field, path, "is empty");
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new UnsafePathException(field, path, "has a control character (" + (c == 0 ? "NUL" : String.format(
                        "U+%04X", (int) c)) + "): a path in a plan is plain text");
            }
            if (c == '\\') {
                throw new UnsafePathException(field, path, "has a backslash: a path in a plan separates with /");
            }
        }
    }

    private static void relative(String field, String path, String rule) {
        if (path.startsWith("/")) {
            throw new UnsafePathException(field, path, "is absolute: it " + rule);
        }
    }

    private static void noDotDot(String field, String path) {
        for (String part : path.split("/", -1)) {
            if (part.equals("..")) {
                throw new UnsafePathException(field, path, DOT_DOT);
            }
        }
    }
}
