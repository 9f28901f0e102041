package dev.bakery.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A container without a container engine, as ENVIRONMENT.md describes: a root filesystem in a
 * directory, entered with {@code unshare --mount --pid --fork} and {@code chroot} as root, with its
 * own /proc, the host's /dev, and bind mounts for volumes (also for directories the image declares as VOLUME, which a
 * runtime mounts). Its process is PID 1 of its PID namespace, so a SIGTERM to it is what ECS's
 * StopTask and a pod's deletion send, and when it ends every process in it ends.
 */
public final class ChrootContainer {

    private final Path root;
    /** Bind mounts in order: host directory, path inside. */
    private final List<Map.Entry<Path, String>> mounts = new ArrayList<>();

    public ChrootContainer(Path root) {
        this.root = root;
    }

    /**
     * The Kaniko fork's debug image as far as the build container uses it: a static busybox under
     * /busybox (a VOLUME of that image), the stand-in /kaniko/executor, /kaniko/ssl/certs, /bin/sh,
     * /workspace; no /tmp, no glibc.
     */
    public static ChrootContainer kanikoDebug(Path root) throws IOException, InterruptedException {
        Path busybox = Files.createDirectories(root.resolveSibling(root.getFileName() + "-busybox"));
        Files.copy(Path.of("/bin/busybox"), busybox.resolve("busybox"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        installApplets(busybox);
        Path executor = Files.createDirectories(root.resolve("kaniko")).resolve("executor");
        try (InputStream in = ChrootContainer.class.getResourceAsStream("kaniko-executor.sh")) {
            Files.write(executor, in.readAllBytes());
        }
        Files.setPosixFilePermissions(executor, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createDirectories(root.resolve("kaniko/ssl/certs"));
        Files.createDirectories(root.resolve("bin"));
        Files.createDirectories(root.resolve("workspace"));
        Files.createDirectories(root.resolve("etc"));
        Files.createDirectories(root.resolve("proc"));
        Files.createSymbolicLink(root.resolve("bin/sh"), Path.of("/busybox/sh"));
        return new ChrootContainer(root).mount(busybox, "/busybox");
    }

    /** One symlink per applet next to the binary, as the image's /busybox has. */
    private static void installApplets(Path busybox) throws IOException, InterruptedException {
        Process list = new ProcessBuilder(busybox.resolve("busybox").toString(), "--list").start();
        String[] applets = new String(list.getInputStream().readAllBytes()).split("\n");
        list.waitFor();
        for (String applet : applets) {
            Path link = busybox.resolve(applet.strip());
            if (!applet.isBlank() && !applet.equals("busybox") && !Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                Files.createSymbolicLink(link, Path.of("busybox"));
            }
        }
    }

    public Path root() {
        return root;
    }

    /** Bind-mounts a host directory or file at a path inside (created when missing, as a runtime does). */
    public ChrootContainer mount(Path host, String inside) {
        mounts.add(Map.entry(host, inside));
        return this;
    }

    /**
     * Starts {@code command} (the image's entry point and command, joined as a runtime does) with
     * exactly {@code environment}, in {@code workingDir} inside.
     */
    public Process start(List<String> command, Map<String, String> environment, String workingDir) throws IOException {
        // A runtime's /proc of the container's PID namespace and a /dev of its own with the usual devices.
        StringBuilder setup = new StringBuilder("set -e; mkdir -p \"$R/proc\" \"$R/dev\"; mount -t proc proc \"$R/proc\";"
                + " mount -t tmpfs -o mode=755 tmpfs \"$R/dev\"; for d in null zero full random urandom tty; do"
                + " touch \"$R/dev/$d\"; mount --bind /dev/$d \"$R/dev/$d\"; done; ");
        List<String> argv = new ArrayList<>(List.of("unshare", "--mount", "--pid", "--fork", "--kill-child", "/bin/sh", "-c"));
        int i = 0;
        for (Map.Entry<Path, String> mount : mounts) {
            String target = "\"$R" + mount.getValue() + "\"";
            setup.append(Files.isDirectory(mount.getKey()) ? "mkdir -p " + target : "mkdir -p \"$(dirname " + target + ")\"; touch "
                    + target).append("; mount --bind \"$M").append(i).append("\" ").append(target).append("; ");
            i++;
        }
        // The runtime's environment only: env -i, then the container's variables; then the working directory.
        setup.append("exec chroot \"$R\" env -i");
        environment.forEach((name, value) -> setup.append(" '").append((name + "=" + value).replace("'", "'\\''")).append("'"));
        setup.append(" /bin/sh -c 'cd \"$0\" && exec \"$@\"' '").append(workingDir.replace("'", "'\\''")).append("'");
        for (String part : command) {
            setup.append(" '").append(part.replace("'", "'\\''")).append("'");
        }
        argv.add(setup.toString());
        ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin:/busybox");
        builder.environment().put("R", root.toString());
        i = 0;
        for (Map.Entry<Path, String> mount : mounts) {
            builder.environment().put("M" + i++, mount.getKey().toString());
        }
        return builder.start();
    }

    /** Sends a signal to the container's PID 1 (the child of {@code unshare}), as a runtime stopping it does. */
    public static void signal(Process started, String signal) {
        started.children().forEach(pid1 -> {
            try {
                new ProcessBuilder("kill", "-" + signal, Long.toString(pid1.pid())).start().waitFor();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /** The processes running inside this container's root (not the host's unshare and setup shell), by PID. */
    public List<Long> processesInside(Process started) throws IOException {
        Path real = root.toRealPath();
        List<Long> inside = new ArrayList<>();
        for (ProcessHandle process : started.descendants().toList()) {
            try {
                if (Files.readSymbolicLink(Path.of("/proc", Long.toString(process.pid()), "root")).equals(real)) {
                    inside.add(process.pid());
                }
            } catch (java.nio.file.NoSuchFileException ended) {
                // gone meanwhile
            }
        }
        return inside;
    }
}
