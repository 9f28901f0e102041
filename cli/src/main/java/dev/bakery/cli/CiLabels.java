package dev.bakery.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/** Labels every build gets from its CI: the commit and a link to the job (GitHub Actions, GitLab CI). */
final class CiLabels {

    private CiLabels() {
    }

    static Map<String, String> from(Map<String, String> env) {
        Map<String, String> labels = new LinkedHashMap<>();
        if ("true".equals(env.get("GITHUB_ACTIONS"))) {
            put(labels, "git.sha", env.get("GITHUB_SHA"));
            put(labels, "git.ref", env.get("GITHUB_REF"));
            if (env.get("GITHUB_SERVER_URL") != null && env.get("GITHUB_REPOSITORY") != null && env.get("GITHUB_RUN_ID") != null) {
                put(labels, "ci.url", env.get("GITHUB_SERVER_URL") + "/" + env.get("GITHUB_REPOSITORY") + "/actions/runs/"
                        + env.get("GITHUB_RUN_ID"));
            }
        } else if ("true".equals(env.get("GITLAB_CI"))) {
            put(labels, "git.sha", env.get("CI_COMMIT_SHA"));
            put(labels, "git.ref", env.get("CI_COMMIT_REF_NAME"));
            put(labels, "ci.url", env.get("CI_JOB_URL"));
        }
        return labels;
    }

    /** The API takes values of up to 256 characters. */
    private static void put(Map<String, String> labels, String key, String value) {
        if (value != null && !value.isBlank()) {
            labels.put(key, value.length() > 256 ? value.substring(0, 256) : value);
        }
    }
}
