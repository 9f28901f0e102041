package dev.bakery.cdk;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.github.cdklabs.cdknag.NagPackProps;
import java.nio.file.Path;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.StackProps;

/**
 * The CDK app cdk.json runs ({@code java -jar cdk/target/bakery-cdk.jar}): one {@link BakeryStack},
 * environment-agnostic (no account or region lookups at synth), checked by cdk-nag's AwsSolutions rules.
 * Context {@code stackName} names the stack (default Bakery).
 */
public final class BakeryApp {

    private BakeryApp() {
    }

    public static void main(String[] args) {
        App app = new App();
        try {
            build(app);
        } catch (IllegalArgumentException wrongContext) {
            // A missing or wrong -c value: its sentence says what to pass, a stack trace would bury it.
            System.err.println("Bakery: " + wrongContext.getMessage());
            System.exit(2);
        }
        app.synth();
    }

    /** The stack, with cdk-nag attached: also what the tests synthesize. */
    public static BakeryStack build(App app) {
        BakerySettings settings = BakerySettings.fromContext(app.getNode(),
                BakerySettings.Repository.locate(Path.of("")));
        Object name = app.getNode().tryGetContext("stackName");
        BakeryStack stack = new BakeryStack(app, name == null ? "Bakery" : name.toString(), StackProps.builder()
                .description("Bakery: multi-arch container image builds with Kaniko on Fargate")
                .build(), settings);
        Aspects.of(app).add(new AwsSolutionsChecks(NagPackProps.builder().verbose(true).build()));
        return stack;
    }
}
