package dev.bakery.cdk;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.constructs.Construct;

/**
 * One handler of the functions jar as a Lambda function: java21 with SnapStart on published versions,
 * reached only through its {@code live} alias (the snapshot lives on versions, not on $LATEST), its own
 * log group with retention, and a role of its own that holds nothing but what the caller grants.
 */
public final class JavaFunction extends Construct {

    /** Where every caller points: the alias of the current published version. */
    public static final String ALIAS = "live";

    private final Alias alias;
    private final Role role;

    public JavaFunction(Construct scope, String id, Path jar, String handlerClass, Duration timeout,
            Map<String, String> environment, RetentionDays logRetention) {
        super(scope, id);
        LogGroup logs = LogGroup.Builder.create(this, "Logs")
                .retention(logRetention)
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
        role = Role.Builder.create(this, "Role")
                .assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
                .description(handlerClass + " (Bakery)")
                .build();
        // Instead of the AWSLambdaBasicExecutionRole managed policy: this log group only.
        role.addToPolicy(PolicyStatement.Builder.create()
                .actions(List.of("logs:CreateLogStream", "logs:PutLogEvents"))
                .resources(List.of(logs.getLogGroupArn()))
                .build());

        Map<String, String> env = new LinkedHashMap<>();
        String service = "bakery-" + id.replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
        env.put("POWERTOOLS_SERVICE_NAME", service);
        env.put("POWERTOOLS_METRICS_NAMESPACE", "Bakery");
        env.put("POWERTOOLS_LOG_LEVEL", "INFO");
        env.put("JAVA_TOOL_OPTIONS", LambdaJvm.JAVA_TOOL_OPTIONS);
        env.putAll(environment);

        Function function = Function.Builder.create(this, "Function")
                .runtime(Runtime.JAVA_21)
                .architecture(Architecture.ARM_64)
                .code(Code.fromAsset(jar.toString()))
                .handler(handlerClass + "::handleRequest")
                .memorySize(1024)
                .timeout(timeout)
                .environment(env)
                .role(role)
                .logGroup(logs)
                .snapStart(SnapStartConf.ON_PUBLISHED_VERSIONS)
                .build();
        alias = Alias.Builder.create(this, "Alias")
                .aliasName(ALIAS)
                .version(function.getCurrentVersion())
                .build();
        Annotations.of(function).acknowledgeWarning("@aws-cdk/aws-lambda:snapStartRequirePublish",
                "every caller goes through the live alias, which points at a published version");
        Nag.suppress(function, "AwsSolutions-L1", "java21 on purpose: the functions are compiled for release 21, the"
                + " runtime the project targets and measures SnapStart on.");
    }

    public Alias alias() {
        return alias;
    }

    public Role role() {
        return role;
    }
}
