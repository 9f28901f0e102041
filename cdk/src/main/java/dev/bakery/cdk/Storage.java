package dev.bakery.cdk;

import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.GlobalSecondaryIndexProps;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.StreamViewType;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.amazon.awscdk.services.s3.ObjectOwnership;
import software.constructs.Construct;

/**
 * What outlives a build: the context bucket (uploads, content-addressed under {@code contexts/}) and the
 * one DynamoDB table of builds, tasks and WebSocket subscriptions (DESIGN.md, section Data). The only
 * things that cost money while nobody builds.
 */
public final class Storage extends Construct {

    /** The only key prefix of the bucket: {@code contexts/<sha256>.tar.gz}. */
    public static final String CONTEXTS = "contexts/";

    private final Bucket bucket;
    private final Table table;

    public Storage(Construct scope, String id, BakerySettings settings) {
        super(scope, id);
        bucket = Bucket.Builder.create(this, "Contexts")
                .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
                .objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED)
                .encryption(BucketEncryption.S3_MANAGED)
                .enforceSsl(true)
                .lifecycleRules(List.of(LifecycleRule.builder()
                        .id("expire-contexts")
                        .prefix(CONTEXTS)
                        .expiration(Duration.days(settings.contextDays()))
                        // Multipart uploads a client started and never completed.
                        .abortIncompleteMultipartUploadAfter(Duration.days(1))
                        .build()))
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        Nag.suppress(bucket, "AwsSolutions-S1", "Contexts are short-lived build inputs written only through presigned"
                + " URLs the API hands to IAM-authenticated callers (who are in the API's access log); a second bucket for"
                + " server access logs would cost storage for no audit value. CloudTrail data events can be enabled per account.");

        // Table, not TableV2: TableV2 calls deprecated grant options of its own and warns on every synth.
        table = Table.Builder.create(this, "Table")
                .partitionKey(Attribute.builder().name("pk").type(AttributeType.STRING).build())
                .sortKey(Attribute.builder().name("sk").type(AttributeType.STRING).build())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .pointInTimeRecoverySpecification(PointInTimeRecoverySpecification.builder()
                        .pointInTimeRecoveryEnabled(true).build())
                .timeToLiveAttribute("expiresAt")
                .stream(StreamViewType.NEW_AND_OLD_IMAGES)
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        table.addGlobalSecondaryIndex(GlobalSecondaryIndexProps.builder()
                .indexName("gsi1")
                .partitionKey(Attribute.builder().name("gsi1pk").type(AttributeType.STRING).build())
                .sortKey(Attribute.builder().name("gsi1sk").type(AttributeType.STRING).build())
                .build());
    }

    public Bucket bucket() {
        return bucket;
    }

    public Table table() {
        return table;
    }

    /** DynamoDB item actions on the table and its index, nothing else (transactions need the per-item actions). */
    public void grantItems(Role role, String... actions) {
        role.addToPolicy(PolicyStatement.Builder.create()
                .actions(java.util.Arrays.stream(actions).map(a -> "dynamodb:" + a).toList())
                .resources(List.of(table.getTableArn(), table.getTableArn() + "/index/gsi1"))
                .build());
    }

    /** Reads of context archives (GetObject, which HeadObject needs too). */
    public void grantContextRead(Role role) {
        role.addToPolicy(PolicyStatement.Builder.create()
                .actions(List.of("s3:GetObject"))
                .resources(List.of(bucket.arnForObjects(CONTEXTS + "*")))
                .build());
        Nag.suppress(role, Nag.IAM5, "Context keys are content hashes known only at run time; the grant stops at the"
                + " contexts/ prefix of this bucket.", Nag.matching("Resource::<StorageContexts[0-9A-F]+\\.Arn>/contexts/\\*"));
    }

    /**
     * Removing a context object that is not its key's content (the agent after its download, the API
     * after reading one it could not verify), so that the next honest upload can store the real one:
     * uploads are conditional (If-None-Match) and never replace an object.
     */
    public void grantContextRemoval(Role role) {
        role.addToPolicy(PolicyStatement.Builder.create()
                .actions(List.of("s3:DeleteObject"))
                .resources(List.of(bucket.arnForObjects(CONTEXTS + "*")))
                .build());
    }

    /**
     * What presigning uploads needs: PutObject (single and multipart) on contexts, and ListBucket under
     * the prefix so a HEAD of a missing context answers 404 instead of 403; reading and removing an
     * object the API cannot verify otherwise.
     */
    public void grantContextUpload(Role role) {
        grantContextRead(role);
        grantContextRemoval(role);
        role.addToPolicy(PolicyStatement.Builder.create()
                .actions(List.of("s3:PutObject", "s3:AbortMultipartUpload"))
                .resources(List.of(bucket.arnForObjects(CONTEXTS + "*")))
                .build());
        role.addToPolicy(PolicyStatement.Builder.create()
                .actions(List.of("s3:ListBucket"))
                .resources(List.of(bucket.getBucketArn()))
                .conditions(Map.of("StringLike", Map.of("s3:prefix", CONTEXTS + "*")))
                .build());
    }
}
