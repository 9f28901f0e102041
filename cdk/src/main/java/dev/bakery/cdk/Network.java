package dev.bakery.cdk;

import java.util.List;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.ec2.FlowLogDestination;
import software.amazon.awscdk.services.ec2.FlowLogOptions;
import software.amazon.awscdk.services.ec2.FlowLogTrafficType;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.SubnetConfiguration;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.ec2.VpcAttributes;
import software.amazon.awscdk.services.logs.LogGroup;
import software.constructs.Construct;

/**
 * Where build tasks run. By default a new VPC of public subnets only: no NAT gateway, so it costs
 * nothing while idle, and tasks reach S3, DynamoDB and registries through their public IP. Or an
 * existing VPC's subnets from context ({@code vpcId}, {@code subnetIds}, optionally
 * {@code securityGroupIds}). Nothing listens in a build task: its security group has no inbound rule.
 */
public final class Network extends Construct {

    private final IVpc vpc;
    private final List<String> subnetIds;
    private final List<String> securityGroupIds;
    private final boolean assignPublicIp;

    public Network(Construct scope, String id, BakerySettings settings) {
        super(scope, id);
        if (settings.vpcId().isPresent()) {
            // Attributes, not a lookup: synth stays offline and environment-agnostic.
            vpc = Vpc.fromVpcAttributes(this, "Vpc", VpcAttributes.builder()
                    .vpcId(settings.vpcId().get())
                    .availabilityZones(Stack.of(this).getAvailabilityZones())
                    .build());
            subnetIds = settings.subnetIds();
        } else {
            LogGroup flowLogs = LogGroup.Builder.create(this, "FlowLogs").retention(settings.logRetention()).build();
            Vpc created = Vpc.Builder.create(this, "Vpc")
                    .maxAzs(2)
                    .natGateways(0)
                    .subnetConfiguration(List.of(SubnetConfiguration.builder()
                            .name("builds").subnetType(SubnetType.PUBLIC).cidrMask(20).build()))
                    .flowLogs(java.util.Map.of("all", FlowLogOptions.builder()
                            .destination(FlowLogDestination.toCloudWatchLogs(flowLogs))
                            .trafficType(FlowLogTrafficType.ALL)
                            .build()))
                    .build();
            vpc = created;
            subnetIds = created.getPublicSubnets().stream().map(subnet -> subnet.getSubnetId()).toList();
        }
        if (settings.securityGroupIds().isEmpty()) {
            SecurityGroup group = SecurityGroup.Builder.create(this, "BuildTasks")
                    .vpc(vpc)
                    .description("Bakery build tasks: no inbound; outbound to the context bucket, DynamoDB and registries")
                    .allowAllOutbound(true)
                    .build();
            securityGroupIds = List.of(group.getSecurityGroupId());
        } else {
            securityGroupIds = settings.securityGroupIds();
        }
        assignPublicIp = settings.assignPublicIp();
    }

    public IVpc vpc() {
        return vpc;
    }

    public List<String> subnetIds() {
        return subnetIds;
    }

    public List<String> securityGroupIds() {
        return securityGroupIds;
    }

    public boolean assignPublicIp() {
        return assignPublicIp;
    }

    /** Comma-separated, as the state machine splits them with States.StringSplit. */
    public String subnetIdList() {
        return Fn.join(",", subnetIds);
    }

    public String securityGroupIdList() {
        return Fn.join(",", securityGroupIds);
    }
}
