import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Build step of the Lambda jar (run by the functions pom after shading): removes the AWS SDK model
 * classes of the operations the functions never call.
 *
 * <p>Why: a generated client refers to the request, response, marshaller and member shapes of every
 * operation of its service (CloudWatch Logs has 100 operations, we call 4), and those classes are most
 * of the jar; with seven clients it would not fit Lambda's limit we hold ourselves to (20 MiB).
 *
 * <p>What stays: every class outside the services' {@code model}, {@code transform}, {@code paginators}
 * and {@code waiters} packages, and every class those reach by their constant pools, except through a
 * client class ({@code *Client}: it names all operations) and except requests named by the SDK's own
 * classes (its endpoint rules name them all). A request our code names keeps what it reaches, its
 * response and its marshaller. Modeled exceptions
 * stay (errors are unmarshalled by code), and so does every request, response, paginator and waiter
 * class with its supertypes, so that the JVM's verifier can link a client. An
 * operation this step dropped fails with NoClassDefFoundError at its first call, never silently.
 *
 * <p>Usage: {@code java TrimSdkModels.java <lambda.jar>}
 */
public final class TrimSdkModels {

    private static final Pattern SERVICE_CLASS = Pattern.compile("software/amazon/awssdk/services/[^/]+/(.*)");
    private static final Pattern TRIMMABLE = Pattern.compile("software/amazon/awssdk/services/[^/]+/(model|transform|paginators|waiters)/.*");
    private static final Pattern MODEL_REQUEST = Pattern.compile("(software/amazon/awssdk/services/[^/]+/)model/(\\w+)Request");
    /** What a client's signatures name: the linker loads these with the client, whether an operation is called or not. */
    private static final Pattern SIGNATURE_TYPE = Pattern.compile(
            "software/amazon/awssdk/services/[^/]+/(model/\\w+(Request|Response)|paginators/\\w+|waiters/\\w+)");
    private static final Pattern REFERENCE = Pattern.compile("L(software/amazon/awssdk/[\\w/$]+);|^(software/amazon/awssdk/[\\w/$]+)$");

    private record ClassInfo(Set<String> references, List<String> supertypes) {
    }

    public static void main(String[] args) throws IOException {
        Path jar = Path.of(args[0]).toAbsolutePath();
        long before = Files.size(jar);
        try (FileSystem zip = FileSystems.newFileSystem(jar)) {
            Map<String, ClassInfo> classes = new HashMap<>();
            try (Stream<Path> files = Files.walk(zip.getPath("/software/amazon/awssdk"))) {
                for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class"))::iterator) {
                    String name = file.toString().substring(1, file.toString().length() - ".class".length());
                    try (InputStream in = Files.newInputStream(file)) {
                        classes.put(name, read(in));
                    }
                }
            }
            Set<String> kept = new HashSet<>();
            ArrayDeque<String> queue = new ArrayDeque<>();
            for (String name : classes.keySet()) {
                boolean trimmable = TRIMMABLE.matcher(name).matches();
                if (!trimmable || name.contains("/model/") && name.endsWith("Exception")) {
                    keep(name, kept, queue);
                }
            }
            // Our own classes and the rest of the jar reach the SDK through their references too.
            try (Stream<Path> files = Files.walk(zip.getPath("/"))) {
                for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class")
                        && !f.toString().startsWith("/software/amazon/awssdk/"))::iterator) {
                    try (InputStream in = Files.newInputStream(file)) {
                        read(in).references().forEach(ref -> keep(ref, kept, queue));
                    }
                }
            }
            while (!queue.isEmpty()) {
                String name = queue.poll();
                ClassInfo info = classes.get(name);
                if (info == null) {
                    continue;
                }
                boolean client = isClient(name);
                boolean sdk = !TRIMMABLE.matcher(name).matches();
                for (String ref : info.references()) {
                    // The endpoint rules test a request's class for every operation (instanceof): its
                    // class must exist, but only a caller that builds the request needs what it reaches.
                    boolean skip = client && TRIMMABLE.matcher(ref).matches() || sdk && MODEL_REQUEST.matcher(ref).matches();
                    if (!skip) {
                        keep(ref, kept, queue);
                    }
                }
                Matcher request = MODEL_REQUEST.matcher(name);
                if (request.matches()) {
                    keep(request.group(1) + "model/" + request.group(2) + "Response", kept, queue);
                    keep(request.group(1) + "transform/" + request.group(2) + "RequestMarshaller", kept, queue);
                }
            }
            // The requests, responses, paginators and waiters of dropped operations stay, without what they
            // reach, for the verifier: linking a client loads the types of its methods' signatures.
            Set<String> stubs = new HashSet<>();
            for (String name : classes.keySet()) {
                if (!kept.contains(name) && SIGNATURE_TYPE.matcher(name).matches()) {
                    for (String type = name; type != null && classes.containsKey(type) && stubs.add(type); ) {
                        ClassInfo info = classes.get(type);
                        stubs.addAll(info.supertypes());
                        type = info.supertypes().isEmpty() ? null : info.supertypes().get(0);
                    }
                }
            }
            int removed = 0;
            for (String name : classes.keySet()) {
                if (TRIMMABLE.matcher(name).matches() && !kept.contains(name) && !stubs.contains(name)) {
                    Files.delete(zip.getPath("/" + name + ".class"));
                    removed++;
                }
            }
            System.out.printf("SDK model classes of %s: removed %d of %d SDK classes%n", jar.getFileName(), removed,
                    classes.size());
        }
        System.out.printf("%s: %d -> %d bytes%n", jar.getFileName(), before, Files.size(jar));
    }

    private static void keep(String name, Set<String> kept, ArrayDeque<String> queue) {
        if (kept.add(name)) {
            queue.add(name);
        }
    }

    /** A client interface or implementation (sync or async): it names every operation of its service. */
    private static boolean isClient(String name) {
        Matcher m = SERVICE_CLASS.matcher(name);
        if (!m.matches() || TRIMMABLE.matcher(name).matches()) {
            return false;
        }
        String simple = name.substring(name.lastIndexOf('/') + 1);
        int dollar = simple.indexOf('$');
        return (dollar < 0 ? simple : simple.substring(0, dollar)).endsWith("Client");
    }

    /** The SDK classes a class file names in its constant pool, and its superclass and interfaces. */
    private static ClassInfo read(InputStream stream) throws IOException {
        DataInputStream in = new DataInputStream(stream);
        in.readInt(); // magic
        in.readUnsignedShort();
        in.readUnsignedShort();
        int count = in.readUnsignedShort();
        String[] utf8 = new String[count];
        int[] classIndex = new int[count];
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> utf8[i] = in.readUTF();
                case 7 -> classIndex[i] = in.readUnsignedShort();
                case 8, 16, 19, 20 -> in.readUnsignedShort();
                case 15 -> in.skipNBytes(3);
                case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipNBytes(4);
                case 5, 6 -> {
                    in.skipNBytes(8);
                    i++;
                }
                default -> throw new IOException("unknown constant pool tag " + tag);
            }
        }
        Set<String> references = new HashSet<>();
        for (String text : utf8) {
            if (text != null && text.contains("software/amazon/awssdk/")) {
                Matcher m = REFERENCE.matcher(text);
                while (m.find()) {
                    references.add(m.group(1) != null ? m.group(1) : m.group(2));
                }
            }
        }
        in.readUnsignedShort(); // access flags
        in.readUnsignedShort(); // this class
        int superIndex = in.readUnsignedShort();
        List<String> supertypes = new java.util.ArrayList<>();
        if (superIndex != 0) {
            supertypes.add(utf8[classIndex[superIndex]]);
        }
        int interfaces = in.readUnsignedShort();
        for (int i = 0; i < interfaces; i++) {
            supertypes.add(utf8[classIndex[in.readUnsignedShort()]]);
        }
        return new ClassInfo(references, supertypes);
    }
}
