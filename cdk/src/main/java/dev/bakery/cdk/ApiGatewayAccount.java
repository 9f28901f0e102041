package dev.bakery.cdk;

import java.util.List;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.apigateway.CfnAccount;
import software.amazon.awscdk.services.iam.ManagedPolicy;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.constructs.Construct;
import software.constructs.IConstruct;

/**
 * API Gateway's account-level CloudWatch Logs role ({@code AWS::ApiGateway::Account}). Access logging on
 * a stage needs it as much as execution logging does: where it was never set, creating the REST or the
 * WebSocket stage fails ("CloudWatch Logs role ARN must be set in account settings to enable logging").
 * The setting is one per account and region, shared by every API there: deploying replaces a role set
 * before, and the role outlives the stack (RETAIN) so the setting never names a deleted role.
 */
final class ApiGatewayAccount extends Construct {

    static final String PUSH_TO_LOGS = "service-role/AmazonAPIGatewayPushToCloudWatchLogs";

    private final CfnAccount account;

    ApiGatewayAccount(Construct scope, String id) {
        super(scope, id);
        Role role = Role.Builder.create(this, "CloudWatchRole")
                .assumedBy(new ServicePrincipal("apigateway.amazonaws.com"))
                .description("API Gateway (this account and region): writes API access and execution logs to CloudWatch Logs")
                .managedPolicies(List.of(ManagedPolicy.fromAwsManagedPolicyName(PUSH_TO_LOGS)))
                .build();
        role.applyRemovalPolicy(RemovalPolicy.RETAIN);
        account = CfnAccount.Builder.create(this, "Account").cloudWatchRoleArn(role.getRoleArn()).build();
        Nag.suppress(role, "AwsSolutions-IAM4", "AmazonAPIGatewayPushToCloudWatchLogs is the policy API Gateway documents"
                + " for its account-level logging role; API Gateway names the log groups itself, so no narrower"
                + " resource list exists.", "Policy::arn:<AWS::Partition>:iam::aws:policy/" + PUSH_TO_LOGS);
    }

    /** Creates {@code stage} only once the account names the role. */
    void before(IConstruct stage) {
        stage.getNode().addDependency(account);
    }
}
