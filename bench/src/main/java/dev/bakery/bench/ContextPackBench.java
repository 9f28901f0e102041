package dev.bakery.bench;

import dev.bakery.cli.context.ContextPacker;
import dev.bakery.cli.context.PackedContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Context packing: the CLI's packer against {@code tar -czf} and {@code tar -I pigz -cf} on the same
 * generated tree (about 500 MB in 20,000 files: source-like text, numeric binary data, random bytes
 * (already compressed media) and highly repetitive logs, sizes spread from 256 B to 100 KiB plus 20
 * files of 8.5 MB, mixed in 400 directories). Each round runs the three one after the other (each round starting with the next one, since the load of a
 * shared machine changes) into the same temp directory, with the tree in the page cache. The packer
 * runs as the CLI does, in a fresh JVM. Every run is timed by /usr/bin/time: wall and CPU (user +
 * system, children included) seconds. Prints them all, the median wall times, their ratios and the
 * archive sizes; the CPU times show what a loaded machine hides.
 *
 * <p>Arguments: {@code [rounds]} (default 3). Runs with the other benchmarks
 * ({@code ./mvnw -B -Pbench verify -pl bench -am}) or alone:
 * <pre>
 * ./mvnw -B -Pbench -pl cli,bench -DskipTests package
 * ./mvnw -B -q -pl cli dependency:build-classpath -Dmdep.outputFile=/tmp/cli.cp
 * java -cp bench/target/classes:cli/target/classes:$(cat /tmp/cli.cp) dev.bakery.bench.ContextPackBench 3
 * </pre>
 * Needs {@code /usr/bin/time} (Debian package {@code time}) and, for the comparison, {@code pigz}.
 */
public final class ContextPackBench {

    private static final int FILES = 20_000;
    private static final int LARGE_FILES = 20;
    private static final int LARGE_FILE_BYTES = 8_500_000;
    private static final int DIRECTORIES = 400;
    private static final long SEED = 20_260_601L;
    private static final String[] VOCABULARY = vocabulary(new SplittableRandom(SEED + 1), 5_000);

    private ContextPackBench() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 3 && args[0].equals("--pack")) { // one CLI-like run, timed from outside
            PackedContext packed = ContextPacker.pack(Path.of(args[1]), Path.of(args[2]));
            System.out.println(packed.sha256());
            return;
        }
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        if (!Files.isExecutable(Path.of("/usr/bin/time"))) {
            throw new IllegalStateException("/usr/bin/time is missing: apt-get install -y time");
        }
        Path work = Files.createTempDirectory("bakery-pack-bench-");
        try {
            Path tree = work.resolve("tree");
            long start = System.nanoTime();
            long bytes = generate(tree);
            System.out.printf(Locale.ROOT, "Context packing: %,d files, %,.1f MB in %d directories (generated in %.1f s),"
                            + " %d cores, %d measured rounds%n",
                    FILES, bytes / 1e6, DIRECTORIES, seconds(System.nanoTime() - start),
                    Runtime.getRuntime().availableProcessors(), rounds);
            boolean pigz = available("pigz");
            if (!pigz) {
                System.out.println("  pigz NOT FOUND: install it (apt-get install -y pigz); the pigz comparison is left out");
            }
            Path archive = work.resolve("out.tar.gz");
            String sha256 = ContextPacker.pack(tree, archive).sha256(); // reads the tree into the page cache

            List<Measure> tools = new ArrayList<>();
            tools.add(new Measure("tar -czf", rounds, List.of("tar", "-czf", archive.toString(), "-C", tree.toString(), ".")));
            if (pigz) {
                tools.add(new Measure("tar -I pigz", rounds,
                        List.of("tar", "-I", "pigz", "-cf", archive.toString(), "-C", tree.toString(), ".")));
            }
            Measure bakery = new Measure("bakery", rounds, List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", System.getProperty("java.class.path"),
                    ContextPackBench.class.getName(), "--pack", tree.toString(), archive.toString()));
            tools.add(bakery);
            for (int r = 0; r < rounds; r++) {
                for (int t = 0; t < tools.size(); t++) { // each round starts with the next tool: the load changes
                    Measure tool = tools.get((r + t) % tools.size());
                    String output = tool.run(r);
                    tool.bytes = Files.size(archive);
                    if (tool == bakery && !output.startsWith(sha256)) {
                        throw new IllegalStateException("the packer's output changed between runs: " + output);
                    }
                }
                StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  round %d:", r + 1));
                for (Measure tool : tools) {
                    line.append("  ").append(tool.show(r));
                }
                System.out.printf(Locale.ROOT, "%s  (load average %.1f)%n", line,
                        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            }
            Measure tar = tools.get(0);
            StringBuilder medians = new StringBuilder("  median wall times:");
            for (Measure tool : tools) {
                medians.append(String.format(Locale.ROOT, " %s %.2f s;", tool.name, tool.wall()));
            }
            System.out.println(medians);
            System.out.printf(Locale.ROOT, "  bakery is %.2fx faster than tar -czf (target >= 1.80x); it uses %.2fx its CPU%n",
                    tar.wall() / bakery.wall(), bakery.cpu() / tar.cpu());
            if (pigz) {
                Measure pigzTool = tools.get(1);
                System.out.printf(Locale.ROOT, "  bakery takes %.2fx the time of tar -I pigz (target <= 1.00x); it uses %.2fx its CPU%n",
                        bakery.wall() / pigzTool.wall(), bakery.cpu() / pigzTool.cpu());
            }
            StringBuilder sizes = new StringBuilder("  archive sizes:");
            for (Measure tool : tools) {
                sizes.append(String.format(Locale.ROOT, " %s %,.1f MB (%.4fx tar -czf's);",
                        tool.name, tool.bytes / 1e6, (double) tool.bytes / tar.bytes));
            }
            System.out.printf(Locale.ROOT, "%s input %,.1f MB%n", sizes, bytes / 1e6);
        } finally {
            delete(work);
        }
    }

    /** One tool's command, its wall and CPU seconds in each round, and its archive's size. */
    private static final class Measure {
        final String name;
        final List<String> command;
        final double[] wall;
        final double[] cpu;
        long bytes;

        Measure(String name, int rounds, List<String> command) {
            this.name = name;
            this.command = command;
            this.wall = new double[rounds];
            this.cpu = new double[rounds];
        }

        /** Runs the command under /usr/bin/time (CPU = user + system, waited-for children included). */
        String run(int round) throws IOException, InterruptedException {
            List<String> timed = new ArrayList<>(List.of("/usr/bin/time", "-f", "%U %S"));
            timed.addAll(command);
            long start = System.nanoTime();
            Process process = new ProcessBuilder(timed).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (process.waitFor() != 0) {
                throw new IllegalStateException(name + " failed: " + output);
            }
            wall[round] = seconds(System.nanoTime() - start);
            String[] times = output.substring(output.lastIndexOf('\n') + 1).split(" ");
            cpu[round] = Double.parseDouble(times[0]) + Double.parseDouble(times[1]);
            return output;
        }

        double wall() {
            return median(wall);
        }

        double cpu() {
            return median(cpu);
        }

        String show(int round) {
            return String.format(Locale.ROOT, "%s %6.2f s (cpu %6.2f s)", name, wall[round], cpu[round]);
        }
    }

    private static boolean available(String program) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, program)));
    }

    /** Writes the tree; the same seed gives the same bytes. Returns the bytes written. */
    private static long generate(Path tree) throws IOException {
        SplittableRandom random = new SplittableRandom(SEED);
        List<Path> directories = new ArrayList<>();
        for (int d = 0; d < DIRECTORIES; d++) {
            Path dir = tree.resolve("module-" + d % 20).resolve("src-" + d / 20 % 5).resolve("pkg-" + d);
            Files.createDirectories(dir);
            directories.add(dir);
        }
        long total = 0;
        for (int f = 0; f < FILES; f++) {
            int size = f < LARGE_FILES ? LARGE_FILE_BYTES : (int) Math.exp(Math.log(256) + random.nextDouble() * Math.log(400));
            byte[] content = switch (f % 20) {
                case 0, 1, 2, 3, 4, 5, 6, 7, 8 -> text(random, size);
                case 9, 10, 11, 12 -> structured(random, size);
                case 13, 14, 15, 16, 17 -> randomBytes(random, size);
                default -> repetitive(random, size);
            };
            Files.write(directories.get(random.nextInt(DIRECTORIES)).resolve("file-" + f + ".dat"), content);
            total += content.length;
        }
        return total;
    }

    /** Source-code-like lines: Zipf-distributed words from a large vocabulary, indentation, numbers. */
    private static byte[] text(SplittableRandom random, int size) {
        StringBuilder out = new StringBuilder(size + 200);
        while (out.length() < size) {
            out.append("    ".repeat(random.nextInt(5)));
            for (int w = random.nextInt(2, 12); w > 0; w--) {
                out.append(VOCABULARY[zipf(random)]);
                switch (random.nextInt(12)) {
                    case 0 -> out.append('(');
                    case 1 -> out.append(").");
                    case 2 -> out.append(", ");
                    case 3 -> out.append(random.nextInt(100_000));
                    case 4 -> out.append(" = ");
                    default -> out.append(' ');
                }
            }
            out.append(random.nextInt(3) == 0 ? "{\n" : ";\n");
        }
        return Arrays.copyOf(out.toString().getBytes(StandardCharsets.US_ASCII), size);
    }

    /** A word index, small ones far more often (Zipf's law, as in natural and program text). */
    private static int zipf(SplittableRandom random) {
        return (int) Math.min(VOCABULARY.length - 1, Math.exp(random.nextDouble() * Math.log(VOCABULARY.length)) - 1);
    }

    /** Numeric data as programs store it: a random walk of doubles (high bytes repeat, low bytes do not). */
    private static byte[] structured(SplittableRandom random, int size) {
        ByteBuffer out = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        double value = random.nextDouble() * 1000;
        while (out.remaining() >= 8) {
            value += random.nextGaussian();
            out.putDouble(random.nextInt(8) == 0 ? Math.rint(value) : value);
        }
        return out.array();
    }

    /** Already compressed data: images, jars, archives. */
    private static byte[] randomBytes(SplittableRandom random, int size) {
        byte[] out = new byte[size];
        random.nextBytes(out);
        return out;
    }

    /** Logs and fixtures: a few lines repeated with small changes (gzip: over 10:1). */
    private static byte[] repetitive(SplittableRandom random, int size) {
        StringBuilder out = new StringBuilder(size + 100);
        int base = random.nextInt(1000);
        while (out.length() < size) {
            out.append("2026-06-01T12:00:").append(base++ % 60).append("Z INFO request handled status=200 path=/builds\n");
        }
        return Arrays.copyOf(out.toString().getBytes(StandardCharsets.US_ASCII), size);
    }

    /** Keywords first (the most frequent), then made-up identifiers of 2 to 14 letters. */
    private static String[] vocabulary(SplittableRandom random, int size) {
        String[] keywords = {"return", "if", "final", "public", "private", "static", "new", "else", "for", "class",
                "import", "while", "String", "int", "void", "null", "true", "false", "this", "throw"};
        String[] words = Arrays.copyOf(keywords, size);
        for (int i = keywords.length; i < size; i++) {
            StringBuilder word = new StringBuilder();
            for (int n = random.nextInt(2, 15); n > 0; n--) {
                word.append((char) ((word.isEmpty() || random.nextInt(5) > 0 ? 'a' : 'A') + random.nextInt(26)));
            }
            words[i] = word.toString();
        }
        return words;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    private static void delete(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.delete(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
