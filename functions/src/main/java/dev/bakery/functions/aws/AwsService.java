package dev.bakery.functions.aws;

import java.net.URI;
import java.util.Objects;
import software.amazon.awssdk.regions.PartitionMetadata;
import software.amazon.awssdk.regions.Region;

/**
 * What {@link AwsJsonClient} needs to know about an AWS JSON service.
 *
 * @param signingName    the SigV4 service name in the credential scope
 * @param targetPrefix   the part of {@code X-Amz-Target} before the operation name
 * @param endpointPrefix the first labels of the regional endpoint host
 * @param jsonVersion    the AWS JSON protocol version, {@code 1.0} or {@code 1.1}: it only changes the
 *                       content type ({@code application/x-amz-json-<version>}), which the service checks
 */
public record AwsService(String signingName, String targetPrefix, String endpointPrefix, String jsonVersion) {

    public static final AwsService SECRETS_MANAGER = new AwsService("secretsmanager", "secretsmanager", "secretsmanager");
    public static final AwsService ECR = new AwsService("ecr", "AmazonEC2ContainerRegistry_V20150921", "api.ecr");
    /** ECR through its FIPS endpoint, for registries written as {@code *.dkr.ecr-fips.*}. */
    public static final AwsService ECR_FIPS = new AwsService("ecr", "AmazonEC2ContainerRegistry_V20150921", "ecr-fips");
    /** Step Functions speaks AWS JSON 1.0. */
    public static final AwsService STEP_FUNCTIONS = new AwsService("states", "AWSStepFunctions", "states", "1.0");
    public static final AwsService CLOUDWATCH_LOGS = new AwsService("logs", "Logs_20140328", "logs", "1.1");

    public AwsService {
        Objects.requireNonNull(signingName, "signingName");
        Objects.requireNonNull(targetPrefix, "targetPrefix");
        Objects.requireNonNull(endpointPrefix, "endpointPrefix");
        Objects.requireNonNull(jsonVersion, "jsonVersion");
        if (!jsonVersion.equals("1.0") && !jsonVersion.equals("1.1")) {
            throw new IllegalArgumentException("jsonVersion must be 1.0 or 1.1, not " + jsonVersion);
        }
    }

    /** An AWS JSON 1.1 service (Secrets Manager, ECR, CloudWatch Logs, most others). */
    public AwsService(String signingName, String targetPrefix, String endpointPrefix) {
        this(signingName, targetPrefix, endpointPrefix, "1.1");
    }

    /** The request (and response) content type, e.g. {@code application/x-amz-json-1.1}. */
    public String contentType() {
        return "application/x-amz-json-" + jsonVersion;
    }

    /**
     * The endpoint the SDK's own clients would use: {@code AWS_ENDPOINT_URL_<SIGNING NAME>} (e.g. {@code _STATES}) or
     * {@code AWS_ENDPOINT_URL} when set (the local mode and benchmarks point them at emulators),
     * else the public one.
     */
    public URI configuredEndpoint(String region, java.util.Map<String, String> environment) {
        String specific = environment.get("AWS_ENDPOINT_URL_" + signingName.toUpperCase(java.util.Locale.ROOT));
        String general = environment.get("AWS_ENDPOINT_URL");
        String chosen = specific != null && !specific.isBlank() ? specific : general;
        return chosen != null && !chosen.isBlank() ? URI.create(chosen) : endpoint(region);
    }

    /** The public regional endpoint, e.g. {@code https://secretsmanager.eu-west-1.amazonaws.com}. */
    public URI endpoint(String region) {
        return URI.create("https://" + endpointPrefix + "." + region + "." + dnsSuffix(region));
    }

    private static String dnsSuffix(String region) {
        // The partition is found by the region's name, so regions newer than this SDK work too.
        return PartitionMetadata.of(Region.of(region)).dnsSuffix();
    }
}
