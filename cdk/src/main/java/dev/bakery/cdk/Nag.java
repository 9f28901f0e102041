package dev.bakery.cdk;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import io.github.cdklabs.cdknag.RegexAppliesTo;
import java.util.Arrays;
import java.util.List;
import software.constructs.IConstruct;

/**
 * cdk-nag suppressions, each with the reason the finding does not apply (kept in the template's
 * metadata). Wildcard findings (AwsSolutions-IAM5) are suppressed one resource pattern at a time, so a
 * new wildcard is a new finding.
 */
final class Nag {

    static final String IAM5 = "AwsSolutions-IAM5";

    private Nag() {
    }

    /**
     * Suppresses rule {@code id} on {@code construct} and its children; with {@code appliesTo} (strings from
     * {@link #resource}, or {@link #matching} patterns) only for those findings.
     */
    static void suppress(IConstruct construct, String id, String reason, Object... appliesTo) {
        NagPackSuppression.Builder suppression = NagPackSuppression.builder().id(id).reason(reason);
        if (appliesTo.length > 0) {
            suppression.appliesTo(List.copyOf(Arrays.asList(appliesTo)));
        }
        NagSuppressions.addResourceSuppressions(construct, List.of(suppression.build()), true);
    }

    /** The IAM5 finding for an ARN in this stack: {@code resource("ecr", "repository/*")}; "*" alone for Resource "*". */
    static String resource(String service, String rest) {
        return "Resource::arn:<AWS::Partition>:" + service + ":<AWS::Region>:<AWS::AccountId>:" + rest;
    }

    static String anyResource() {
        return "Resource::*";
    }

    /** {@code text} as a regular expression that matches exactly it (JavaScript syntax: no \\Q...\\E). */
    static String literal(String text) {
        return text.replaceAll("[\\\\^$.|?*+()\\[\\]{}/]", "\\\\$0");
    }

    /** Findings whose resource names a token (a logical id), by a regular expression over the whole finding. */
    static RegexAppliesTo matching(String regex) {
        return RegexAppliesTo.builder().regex("/^" + regex + "$/").build();
    }
}
