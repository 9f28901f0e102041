package dev.bakery.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The second container of a build task, next to the agent: the Kaniko fork's debug image, unmodified,
 * running {@linkplain #command() one busybox script}. Both containers mount one ephemeral volume at
 * {@value #VOLUME_PATH}; the agent prepares everything there and gives the go-ahead, the build
 * container runs the pre-script, the executor and the post-script, writing their output into a FIFO
 * the agent reads, and leaves its exit code. The ECS task definitions (cdk) and the Kubernetes Job
 * (k8s-bridge) declare it from here; the agent's side is {@code dev.bakery.agent.builder.KanikoBuilder}.
 */
public final class BuildContainer {

    /** The container's name in the task definitions and the pod. */
    public static final String NAME = "build";
    /** The shared volume's mount path in both containers (the script names it too). */
    public static final String VOLUME_PATH = "/bakery";
    /** The shared volume's name in the task definitions and the pod. */
    public static final String VOLUME = "bakery";

    /** Files on the shared volume, by the agent: the go-ahead, the plan, the scripts; a stop before the go-ahead. */
    public static final String GO = "go";
    public static final String PLAN = "plan.sh";
    public static final String PRE_SCRIPT = "pre-script";
    public static final String POST_SCRIPT = "post-script";
    public static final String STOP = "stop";
    /** By the agent, written by the build container: the FIFO of its output. */
    public static final String OUTPUT = "output";
    /** By the build container: {@code STEP EXIT-CODE} when it ends. */
    public static final String EXIT = "exit";
    /** The line the build container prints before each step's output. */
    public static final String STEP_MARKER = "##bakery-step ";

    private BuildContainer() {
    }

    /**
     * The entry point: {@code env -i} first, so that the container's own environment, where ECS and
     * EKS put the credentials of the task's role, never reaches the shell (its /proc/1/environ included).
     */
    public static List<String> entryPoint() {
        return List.of("/busybox/env", "-i", "/busybox/sh", "-c");
    }

    /** The command: the script that waits for the go-ahead and runs the build's steps. */
    public static List<String> command() {
        try (InputStream in = BuildContainer.class.getResourceAsStream("build-container.sh")) {
            return List.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read build-container.sh from bakery-core", e);
        }
    }
}
