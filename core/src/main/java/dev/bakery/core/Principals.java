package dev.bakery.core;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who owns what a principal submits. API Gateway names the caller by the ARN of its session
 * ({@code arn:aws:sts::111122223333:assumed-role/ci/github-run-42}); every session of one IAM role
 * is the same owner, so the owner is the role ({@code arn:aws:iam::111122223333:role/ci}). A role
 * ARN with a path ({@code role/teams/ci}) is that same owner: a role's name is unique in its
 * account, and session ARNs do not carry the path. Any other principal (an IAM user, the account
 * root, a federated user) owns as it is named.
 */
public final class Principals {

    private static final Pattern SESSION = Pattern.compile("arn:([a-z-]+):sts::(\\d{12}):assumed-role/([^/]+)/.+");
    private static final Pattern ROLE = Pattern.compile("arn:([a-z-]+):iam::(\\d{12}):role/(?:.*/)?([^/]+)");

    private Principals() {
    }

    /** The owner a principal ARN stands for (the same for every session of one role). */
    public static String owner(String principal) {
        if (principal == null) {
            throw new IllegalArgumentException("no principal");
        }
        String arn = principal.trim();
        Matcher role = SESSION.matcher(arn);
        if (!role.matches()) {
            role = ROLE.matcher(arn);
        }
        return role.matches() ? "arn:" + role.group(1) + ":iam::" + role.group(2) + ":role/" + role.group(3) : arn;
    }
}
