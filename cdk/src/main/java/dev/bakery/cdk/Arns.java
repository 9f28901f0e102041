package dev.bakery.cdk;

import software.amazon.awscdk.Arn;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.Stack;

/** ARNs in this stack's partition, region and account, for resources IAM statements name by pattern. */
final class Arns {

    private Arns() {
    }

    /** E.g. {@code of(stack, "ecr", "repository", "*", SLASH_RESOURCE_NAME)}. */
    static String of(Stack stack, String service, String resource, String name, ArnFormat format) {
        return Arn.format(ArnComponents.builder().service(service).resource(resource).resourceName(name).arnFormat(format)
                .build(), stack);
    }
}
