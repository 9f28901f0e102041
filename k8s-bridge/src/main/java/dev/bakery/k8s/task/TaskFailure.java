package dev.bakery.k8s.task;

import java.util.Objects;

/**
 * Why a task failed, as SendTaskFailure tells the state machine: {@code error} is the code its Catch
 * matches, {@code cause} the sentence a user reads.
 */
public record TaskFailure(String error, String cause) {

    /** The activity input, the build or its plan does not make a task (nothing was started). */
    public static final String INVALID_TASK = "Bakery.InvalidTask";
    /** Kubernetes refused the Job or its Secrets (RBAC, quota, admission). */
    public static final String JOB_NOT_CREATED = "Bakery.JobNotCreated";
    /** The plan's image pull logins could not be read. */
    public static final String CREDENTIALS = "Bakery.CredentialsFailed";
    public static final String IMAGE_PULL = "Bakery.ImagePullFailed";
    public static final String UNSCHEDULABLE = "Bakery.Unschedulable";
    /** The agent ran and reported a failed build. */
    public static final String BUILD_FAILED = "Bakery.TaskFailed";
    /** The agent's container ended without a result (killed, out of memory, evicted). */
    public static final String AGENT_CRASHED = "Bakery.AgentCrashed";
    /** The Job's activeDeadlineSeconds (the task timeout) passed. */
    public static final String TIMED_OUT = "Bakery.TaskTimedOut";
    /** Someone deleted the Job before its task ended. */
    public static final String JOB_DELETED = "Bakery.JobDeleted";

    public TaskFailure {
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(cause, "cause");
    }
}
