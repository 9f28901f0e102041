package dev.bakery.functions.aws;

import java.net.URI;
import java.util.Objects;
import software.amazon.awssdk.regions.PartitionMetadata;
import software.amazon.awssdk.regions.Region;

/**
 * What {@link AwsJsonClient} needs to know about an AWS JSON 1.1 service.
 *
 * @param signingName    the SigV4 service name in the credential scope
 * @param targetPrefix   the part of {@code X-Amz-Target} before the operation name
 * @param endpointPrefix the first labels of the regional endpoint host
 */
public record AwsService(String signingName, String targetPrefix, String endpointPrefix) {

    public static final AwsService SECRETS_MANAGER = new AwsService("secretsmanager", "secretsmanager", "secretsmanager");
    public static final AwsService ECR = new AwsService("ecr", "AmazonEC2ContainerRegistry_V20150921", "api.ecr");
    /** ECR through its FIPS endpoint, for registries written as {@code *.dkr.ecr-fips.*}. */
    public static final AwsService ECR_FIPS = new AwsService("ecr", "AmazonEC2ContainerRegistry_V20150921", "ecr-fips");

    public AwsService {
        Objects.requireNonNull(signingName, "signingName");
        Objects.requireNonNull(targetPrefix, "targetPrefix");
        Objects.requireNonNull(endpointPrefix, "endpointPrefix");
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
