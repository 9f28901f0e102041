package dev.bakery.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code bakery validate} from a fresh process, as a CI step runs it, wall time, before and after side
 * by side: "before" is the launcher as it was before the release work (issue 19: 0.47 s; it asked
 * {@code java -version} for the Java's version, then {@code java -jar}); "after" is today's launcher
 * (the Java's version from its release file, the class-data-sharing archive in the user's cache). Both
 * run the same jar on the same JDK; a third column is {@code java -jar} alone. The rounds interleave
 * the three (a shared machine's load changes), after one unmeasured run each (which writes the
 * archive). Each run is timed by /usr/bin/time: wall, and CPU (user + system), which a loaded machine's
 * wall times hide. Prints every run, the medians and the ratios.
 *
 * <p>Arguments: {@code REPOSITORY [rounds]} (default 21). Runs with the other benchmarks
 * ({@code ./mvnw -B -Pbench verify -pl bench -am}).
 */
public final class StartupBench {

    /** The last commit with the launcher as it was before. */
    private static final String BEFORE = "81fcf2cf9a399ff0d542be97bb83ccf3cbb786d3";

    private StartupBench() {}

    public static void main(String[] args) throws Exception {
        Path repository = Path.of(args[0]).toAbsolutePath().normalize();
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 21;
        Path jar = repository.resolve("cli/target/bakery.jar");
        Path work = Files.createTempDirectory("startup-bench");
        // The old launcher, in a tree of its own that holds the same jar where it looks for it.
        Path old = Files.createDirectories(work.resolve("before/cli/target"));
        Files.createSymbolicLink(old.resolve("bakery.jar"), jar);
        Process show = new ProcessBuilder("git", "show", BEFORE + ":bakery").directory(repository.toFile()).start();
        Path oldLauncher = Files.write(work.resolve("before/bakery"), show.getInputStream().readAllBytes());
        if (show.waitFor() != 0) {
            throw new IllegalStateException("git show " + BEFORE + ":bakery failed");
        }
        Path project = Files.createDirectories(work.resolve("project"));
        Files.writeString(project.resolve("bakery.yaml"), """
                global:
                  kaniko: {destination: registry.example.com/team/app:1.0}
                bake:
                  - arch: amd64
                  - arch: arm64
                """);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Map<String, List<String>> commands = new LinkedHashMap<>();
        commands.put("before (old launcher)", List.of("sh", oldLauncher.toString(), "validate"));
        commands.put("after (launcher + CDS)", List.of("sh", repository.resolve("bakery").toString(), "validate"));
        commands.put("java -jar, no CDS", List.of(java, "-jar", jar.toString(), "validate"));
        Map<String, String> env = Map.of("JAVA_HOME", System.getProperty("java.home"), "XDG_CACHE_HOME",
                work.resolve("cache").toString(), "PATH", "/usr/bin:/bin", "LC_ALL", "C.UTF-8");

        Map<String, double[]> seconds = new LinkedHashMap<>();
        Map<String, double[]> cpu = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> command : commands.entrySet()) {
            run(command.getValue(), project, env, work); // warm: page cache, and the CDS archive written
            seconds.put(command.getKey(), new double[rounds]);
            cpu.put(command.getKey(), new double[rounds]);
        }
        System.out.printf(Locale.ROOT, "bakery validate, wall/CPU seconds, %d rounds, %d cores, load %s%n", rounds,
                Runtime.getRuntime().availableProcessors(), Files.readString(Path.of("/proc/loadavg")).strip());
        for (int round = 0; round < rounds; round++) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "round %2d:", round + 1));
            List<String> names = new ArrayList<>(commands.keySet());
            for (int i = 0; i < names.size(); i++) {
                String name = names.get((i + round) % names.size()); // each round starts with the next one
                double[] times = run(commands.get(name), project, env, work);
                seconds.get(name)[round] = times[0];
                cpu.get(name)[round] = times[1];
            }
            for (String name : names) {
                line.append(String.format(Locale.ROOT, "  %s %.2f/%.2f", name, seconds.get(name)[round], cpu.get(name)[round]));
            }
            System.out.println(line);
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "%-24s %12s %8s %8s %12s%n", "", "wall median", "p10", "p90", "CPU median");
        Map<String, Double> medians = new LinkedHashMap<>();
        Map<String, Double> cpuMedians = new LinkedHashMap<>();
        seconds.forEach((name, values) -> {
            double[] sorted = values.clone();
            Arrays.sort(sorted);
            double[] cpuSorted = cpu.get(name).clone();
            Arrays.sort(cpuSorted);
            medians.put(name, sorted[sorted.length / 2]);
            cpuMedians.put(name, cpuSorted[cpuSorted.length / 2]);
            System.out.printf(Locale.ROOT, "%-24s %12.3f %8.3f %8.3f %12.3f%n", name, sorted[sorted.length / 2],
                    sorted[sorted.length / 10], sorted[sorted.length * 9 / 10], cpuSorted[cpuSorted.length / 2]);
        });
        String before = "before (old launcher)";
        String after = "after (launcher + CDS)";
        System.out.printf(Locale.ROOT, "after / before: wall %.2f (median %.3f s -> %.3f s; target <= 0.300 s), CPU %.2f%n",
                medians.get(after) / medians.get(before), medians.get(before), medians.get(after),
                cpuMedians.get(after) / cpuMedians.get(before));
    }

    /** {wall, CPU} seconds of one run. */
    private static double[] run(List<String> command, Path dir, Map<String, String> env, Path work) throws Exception {
        Path times = work.resolve("times");
        List<String> timed = new ArrayList<>(List.of("/usr/bin/time", "-f", "%e %U %S", "-o", times.toString()));
        timed.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(timed).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().putAll(env);
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0 || !out.contains("valid: 1 build")) {
            throw new IllegalStateException(String.join(" ", command) + " failed:\n" + out);
        }
        String[] fields = Files.readString(times).strip().split(" ");
        return new double[] {Double.parseDouble(fields[0]), Double.parseDouble(fields[1]) + Double.parseDouble(fields[2])};
    }
}
