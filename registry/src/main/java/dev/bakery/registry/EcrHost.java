package dev.bakery.registry;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An ECR registry host, recognized by its name alone
 * ({@code <account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn]}): the account and region it names
 * are all GetAuthorizationToken needs, so no plan entry is required for ECR.
 *
 * @param host    the registry host, lower case
 * @param account the 12-digit AWS account id
 * @param region  the AWS region, e.g. {@code eu-west-1}
 * @param fips    whether the registry is reached through a FIPS endpoint
 */
public record EcrHost(String host, String account, String region, boolean fips) {

    private static final Pattern ECR = Pattern.compile(
            "(\\d{12})\\.dkr\\.ecr(-fips)?\\.([a-z]{2}(?:-[a-z]+)+-\\d+)\\.amazonaws\\.com(?:\\.cn)?");

    /** The ECR host in {@code registry} (host[:port]), or empty for any other registry. */
    public static Optional<EcrHost> parse(String registry) {
        String host = registry.toLowerCase(Locale.ROOT);
        Matcher m = ECR.matcher(host);
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new EcrHost(host, m.group(1), m.group(3), m.group(2) != null));
    }
}
