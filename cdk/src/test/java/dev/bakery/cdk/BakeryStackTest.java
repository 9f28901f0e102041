package dev.bakery.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;

/** The default deployment's template (the agent built from agent/), as CloudFormation would receive it. */
class BakeryStackTest {

    private final Synthesized synth = Synthesized.fromSource();

    @Test
    void exactlyTwoTaskDefinitionsOneX86OneArmEachWithTheAgentAndTheBuildContainerSharingAVolume() {
        Map<String, JsonNode> definitions = synth.resources("AWS::ECS::TaskDefinition");
        assertThat(definitions).hasSize(2);
        List<String> architectures = new ArrayList<>();
        for (JsonNode definition : definitions.values()) {
            JsonNode properties = definition.path("Properties");
            architectures.add(properties.path("RuntimePlatform").path("CpuArchitecture").asText());
            assertThat(properties.path("RuntimePlatform").path("OperatingSystemFamily").asText()).isEqualTo("LINUX");
            assertThat(properties.path("RequiresCompatibilities").toString()).isEqualTo("[\"FARGATE\"]");
            assertThat(properties.path("EphemeralStorage").path("SizeInGiB").asInt()).isEqualTo(50);
            // A task-scoped volume (no host path, no EFS): on the ephemeral storage, gone with the task.
            assertThat(properties.path("Volumes").toString()).isEqualTo("[{\"Name\":\"bakery\"}]");
            JsonNode containers = properties.path("ContainerDefinitions");
            assertThat(containers).hasSize(2);
            JsonNode agent = containers.get(0);
            assertThat(agent.path("Name").asText()).isEqualTo("agent");
            assertThat(agent.path("Essential").asBoolean()).as("the task ends when the agent does").isTrue();
            assertThat(agent.path("LogConfiguration").path("LogDriver").asText()).isEqualTo("awslogs");
            assertThat(agent.path("LogConfiguration").path("Options").path("awslogs-group").path("Ref").asText())
                    .isEqualTo(synth.logicalId(synth.stack().builds().logGroup()));
            assertThat(agent.path("MountPoints").toString())
                    .isEqualTo("[{\"ContainerPath\":\"/bakery\",\"ReadOnly\":false,\"SourceVolume\":\"bakery\"}]");

            JsonNode build = containers.get(1);
            assertThat(build.path("Name").asText()).isEqualTo("build");
            assertThat(build.path("Image").asText()).as("the Kaniko fork's debug image, unmodified, pinned by digest")
                    .isEqualTo(Synthesized.KANIKO_IMAGE)
                    .matches("ghcr\\.io/osscontainertools/kaniko:[^@]+-debug@sha256:[0-9a-f]{64}");
            assertThat(build.path("Essential").asBoolean()).isFalse();
            assertThat(build.path("EntryPoint").toString())
                    .isEqualTo("[\"/busybox/env\",\"-i\",\"/busybox/sh\",\"-c\"]");
            assertThat(build.path("Command")).hasSize(1);
            assertThat(build.path("Command").get(0).asText()).isEqualTo(dev.bakery.core.BuildContainer.command().get(0));
            assertThat(build.path("MountPoints")).isEqualTo(agent.path("MountPoints"));
            assertThat(build.path("DependsOn").toString())
                    .isEqualTo("[{\"Condition\":\"START\",\"ContainerName\":\"agent\"}]");
            // Nothing of the task's reaches it by the task definition: no variable, secret or log driver (its
            // output reaches the logs only through the agent, masked).
            assertThat(build.has("Environment")).isFalse();
            assertThat(build.has("Secrets")).isFalse();
            assertThat(build.has("EnvironmentFiles")).isFalse();
            assertThat(build.has("LogConfiguration")).isFalse();
        }
        assertThat(architectures).containsExactlyInAnyOrder("X86_64", "ARM64");
    }

    @Test
    void agentImageIsBuiltFromAgentDirectoryOncePerPlatformOnThePinnedJre() throws Exception {
        JsonNode assets = new com.fasterxml.jackson.databind.ObjectMapper().readTree(java.nio.file.Path.of(
                synth.assembly().getDirectory(), synth.stack().getArtifactId() + ".assets.json").toFile()).path("dockerImages");
        List<String> platforms = new ArrayList<>();
        assets.fields().forEachRemaining(image -> {
            JsonNode source = image.getValue().path("source");
            platforms.add(source.path("platform").asText());
            assertThat(source.path("dockerFile").asText()).isEqualTo("agent/Dockerfile");
            assertThat(source.path("dockerBuildArgs").toString()).isEqualTo("{\"JRE_IMAGE\":\"" + Synthesized.JRE_IMAGE + "\"}");
            // Only what the Dockerfile copies is staged, not the whole checkout.
            java.nio.file.Path staged = java.nio.file.Path.of(synth.assembly().getDirectory(), source.path("directory").asText());
            try (var files = java.nio.file.Files.list(staged)) {
                assertThat(files.map(f -> f.getFileName().toString()).toList()).containsExactly("agent");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            assertThat(staged.resolve("agent/Dockerfile")).exists();
            assertThat(staged.resolve("agent/src")).doesNotExist();
        });
        assertThat(platforms).containsExactlyInAnyOrder("linux/amd64", "linux/arm64");
    }

    @Test
    void clusterHasFargateAndSpotProvidersAndContainerInsights() {
        synth.template().hasResourceProperties("AWS::ECS::ClusterCapacityProviderAssociations", Map.of(
                "CapacityProviders", Match.arrayWith(List.of("FARGATE", "FARGATE_SPOT"))));
        synth.template().hasResourceProperties("AWS::ECS::Cluster", Map.of(
                "ClusterSettings", List.of(Map.of("Name", "containerInsights", "Value", "enabled"))));
    }

    @Test
    void everyRestMethodRequiresIamAndIsValidated() {
        Map<String, JsonNode> methods = synth.resources("AWS::ApiGateway::Method");
        Set<String> routes = new TreeSet<>();
        for (JsonNode method : methods.values()) {
            JsonNode properties = method.path("Properties");
            assertThat(properties.path("AuthorizationType").asText()).as(method.toString()).isEqualTo("AWS_IAM");
            assertThat(properties.has("RequestValidatorId")).as(method.toString()).isTrue();
            routes.add(properties.path("HttpMethod").asText());
        }
        assertThat(methods).hasSize(6);
        assertThat(routes).containsExactly("DELETE", "GET", "POST");
        synth.template().hasResourceProperties("AWS::ApiGateway::RequestValidator", Map.of(
                "ValidateRequestBody", true, "ValidateRequestParameters", true));
        synth.template().hasResourceProperties("AWS::ApiGateway::Stage", Map.of(
                "StageName", "v1", "AccessLogSetting", Map.of("DestinationArn", Match.anyValue(), "Format", Match.anyValue())));
    }

    @Test
    void webSocketConnectRequiresIamAndEveryRouteOfTheHandlerExists() {
        Map<String, String> authorization = new TreeMap<>();
        for (JsonNode route : synth.resources("AWS::ApiGatewayV2::Route").values()) {
            authorization.put(route.path("Properties").path("RouteKey").asText(),
                    route.path("Properties").path("AuthorizationType").asText("NONE"));
        }
        assertThat(authorization).containsExactlyInAnyOrderEntriesOf(Map.of("$connect", "AWS_IAM", "$disconnect", "NONE",
                "$default", "NONE", "subscribe", "NONE", "unsubscribe", "NONE"));
        synth.template().hasResourceProperties("AWS::ApiGatewayV2::Stage", Map.of(
                "StageName", "v1", "AutoDeploy", true, "AccessLogSettings", Map.of("DestinationArn", Match.anyValue())));
    }

    @Test
    void everyJavaFunctionHasSnapStartAndIsReachedThroughItsAlias() {
        Map<String, JsonNode> functions = new TreeMap<>();
        synth.resources("AWS::Lambda::Function").forEach((id, function) -> {
            if (function.path("Properties").path("Runtime").asText().startsWith("java")) {
                functions.put(id, function);
            }
        });
        assertThat(functions.values()).extracting(f -> f.path("Properties").path("Handler").asText()).containsExactlyInAnyOrder(
                "dev.bakery.functions.handler.RestApiHandler::handleRequest",
                "dev.bakery.functions.handler.WebSocketHandler::handleRequest",
                "dev.bakery.functions.handler.LogForwarderHandler::handleRequest",
                "dev.bakery.functions.handler.StatusNotifierHandler::handleRequest",
                "dev.bakery.functions.handler.PublishIndexHandler::handleRequest");
        Map<String, JsonNode> versions = synth.resources("AWS::Lambda::Version");
        Map<String, JsonNode> aliases = synth.resources("AWS::Lambda::Alias");
        functions.forEach((id, function) -> {
            JsonNode properties = function.path("Properties");
            assertThat(properties.path("Runtime").asText()).isEqualTo("java21");
            assertThat(properties.path("SnapStart").path("ApplyOn").asText()).as(id).isEqualTo("PublishedVersions");
            assertThat(properties.path("Environment").path("Variables").path("POWERTOOLS_SERVICE_NAME").asText()).startsWith("bakery-");
            String version = versions.entrySet().stream()
                    .filter(v -> v.getValue().path("Properties").path("FunctionName").path("Ref").asText().equals(id))
                    .map(Map.Entry::getKey).findFirst().orElseThrow(() -> new AssertionError("no published version of " + id));
            assertThat(aliases.values()).as("alias live of " + id).anySatisfy(alias -> {
                assertThat(alias.path("Properties").path("Name").asText()).isEqualTo("live");
                assertThat(alias.path("Properties").path("FunctionVersion").path("Fn::GetAtt").get(0).asText()).isEqualTo(version);
            });
        });
    }

    @Test
    void functionsGetEveryVariableTheirHandlersRequire() {
        // The names AwsEdges reads for each handler's part of the control plane (AWS_REGION is Lambda's own).
        Map<String, List<String>> required = Map.of(
                "RestApiHandler", List.of("TABLE_NAME", "CONTEXT_BUCKET", "STATE_MACHINE_ARN", "TASK_DEFINITION_AMD64",
                        "TASK_DEFINITION_ARM64", "LOG_GROUP"),
                "WebSocketHandler", List.of("TABLE_NAME", "WEBSOCKET_ENDPOINT"),
                "LogForwarderHandler", List.of("TABLE_NAME", "WEBSOCKET_ENDPOINT"),
                "StatusNotifierHandler", List.of("TABLE_NAME", "WEBSOCKET_ENDPOINT"),
                "PublishIndexHandler", List.of("TABLE_NAME"));
        synth.resources("AWS::Lambda::Function").values().stream()
                .filter(f -> f.path("Properties").path("Runtime").asText().startsWith("java"))
                .forEach(function -> {
                    String handler = function.path("Properties").path("Handler").asText().replaceAll(".*\\.(\\w+)::.*", "$1");
                    JsonNode variables = function.path("Properties").path("Environment").path("Variables");
                    assertThat(required.get(handler)).as(handler).allSatisfy(name -> assertThat(variables.has(name)).as(handler + " " + name).isTrue());
                    assertThat(variables.has("AWS_REGION")).isFalse();
                    // No bridge: the API must not offer platform k8s.
                    assertThat(variables.has("K8S_ACTIVITY_ARN")).isFalse();
                });
        JsonNode endpoint = synth.resources("AWS::Lambda::Function").values().stream()
                .filter(f -> f.path("Properties").path("Handler").asText().contains("WebSocketHandler")).findFirst().orElseThrow()
                .path("Properties").path("Environment").path("Variables").path("WEBSOCKET_ENDPOINT");
        assertThat(endpoint.toString()).startsWith("{\"Fn::Join\":[\"\",[\"https://\"").endsWith("\"/v1\"]]}");
    }

    @Test
    void tableIsTheDesignedOne() {
        synth.template().hasResourceProperties("AWS::DynamoDB::Table", Map.of(
                "KeySchema", List.of(Map.of("AttributeName", "pk", "KeyType", "HASH"), Map.of("AttributeName", "sk", "KeyType", "RANGE")),
                "AttributeDefinitions", Match.arrayWith(List.of(Map.of("AttributeName", "pk", "AttributeType", "S"),
                        Map.of("AttributeName", "sk", "AttributeType", "S"))),
                "BillingMode", "PAY_PER_REQUEST",
                "StreamSpecification", Map.of("StreamViewType", "NEW_AND_OLD_IMAGES"),
                "TimeToLiveSpecification", Map.of("AttributeName", "expiresAt", "Enabled", true),
                "GlobalSecondaryIndexes", List.of(Map.of("IndexName", "gsi1", "KeySchema", List.of(
                        Map.of("AttributeName", "gsi1pk", "KeyType", "HASH"), Map.of("AttributeName", "gsi1sk", "KeyType", "RANGE")),
                        "Projection", Map.of("ProjectionType", "ALL"))),
                "PointInTimeRecoverySpecification", Map.of("PointInTimeRecoveryEnabled", true)));
    }

    @Test
    void contextBucketIsPrivateEncryptedSslOnlyAndExpiresContexts() {
        synth.template().hasResourceProperties("AWS::S3::Bucket", Map.of(
                "PublicAccessBlockConfiguration", Map.of("BlockPublicAcls", true, "BlockPublicPolicy", true,
                        "IgnorePublicAcls", true, "RestrictPublicBuckets", true),
                "BucketEncryption", Match.anyValue(),
                "LifecycleConfiguration", Map.of("Rules", List.of(Match.objectLike(Map.of(
                        "Prefix", "contexts/", "ExpirationInDays", 7, "Status", "Enabled"))))));
        synth.template().hasResourceProperties("AWS::S3::BucketPolicy", Map.of("PolicyDocument", Map.of("Statement",
                Match.arrayWith(List.of(Match.objectLike(Map.of("Effect", "Deny",
                        "Condition", Map.of("Bool", Map.of("aws:SecureTransport", "false")))))))));
    }

    @Test
    void stateMachineComesFromTheAslFileWithExactlyTheContractSubstitutionsLoggingAndTracing() {
        JsonNode machine = synth.resources("AWS::StepFunctions::StateMachine").values().iterator().next().path("Properties");
        Set<String> keys = new TreeSet<>();
        machine.path("DefinitionSubstitutions").fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactlyInAnyOrder("TableName", "ClusterArn", "SubnetIds", "SecurityGroupIds", "AssignPublicIp",
                "ContainerName", "PublishIndexFunctionArn", "EventBusName", "K8sActivityArn", "ExecutionTimeoutSeconds");
        JsonNode values = machine.path("DefinitionSubstitutions");
        assertThat(values.path("ContainerName").asText()).isEqualTo("agent");
        assertThat(values.path("EventBusName").asText()).isEqualTo("default");
        assertThat(values.path("AssignPublicIp").asText()).isEqualTo("ENABLED");
        assertThat(values.path("K8sActivityArn").toString()).contains(":activity:" + Pipeline.NO_BRIDGE_ACTIVITY);
        assertThat(values.path("PublishIndexFunctionArn").path("Ref").asText())
                .isEqualTo(synth.logicalId(synth.stack().pipeline().publishIndex().alias()));
        assertThat(machine.has("DefinitionS3Location")).isTrue();
        assertThat(machine.path("LoggingConfiguration").path("Level").asText()).isEqualTo("ALL");
        assertThat(machine.path("TracingConfiguration").path("Enabled").asBoolean()).isTrue();
        assertThat(synth.resources("AWS::StepFunctions::Activity")).isEmpty();
    }

    /** The definition CloudFormation will read from S3, filled with the template's own substitutions. */
    @Test
    void theDeployedDefinitionTimesOutAfterTwelveHoursAndBoundsBothMaps() throws Exception {
        JsonNode machine = synth.resources("AWS::StepFunctions::StateMachine").values().iterator().next().path("Properties");
        assertThat(machine.has("TimeoutSeconds")).as("StateMachine has no such property: the definition carries it").isFalse();
        assertThat(machine.path("DefinitionSubstitutions").path("ExecutionTimeoutSeconds").asText()).isEqualTo("43200");

        JsonNode definition = synth.deployedDefinition();

        assertThat(definition.path("TimeoutSeconds").isInt()).isTrue();
        assertThat(definition.path("TimeoutSeconds").asInt()).isEqualTo(12 * 3600);
        assertThat(definition.at("/States/Build each architecture/MaxConcurrency").asInt()).isEqualTo(10);
        assertThat(definition.at("/States/Close unfinished tasks/MaxConcurrency").asInt()).isEqualTo(10);
        assertThat(definition.at("/States/Build each architecture/Catch/0/ErrorEquals/0").asText()).isEqualTo("States.ALL");
    }

    @Test
    void aBuildExecutionThatEndsEarlyStartsAnotherThatFinishesTheBuild() {
        String machine = synth.logicalId(synth.stack().pipeline().stateMachine());
        synth.template().hasResourceProperties("AWS::Events::Rule", Map.of(
                "EventPattern", Map.of(
                        "source", List.of("aws.states"),
                        "detail-type", List.of("Step Functions Execution Status Change"),
                        "detail", Map.of(
                                "stateMachineArn", List.of(Map.of("Ref", machine)),
                                "status", List.of("FAILED", "TIMED_OUT", "ABORTED"),
                                "name", List.of(Map.of("prefix", "b-")))),
                "Targets", List.of(Match.objectLike(Map.of(
                        "Arn", Map.of("Ref", machine),
                        "InputTransformer", Match.objectLike(Map.of(
                                "InputPathsMap", Map.of("detail-name", "$.detail.name", "detail-status", "$.detail.status"),
                                "InputTemplate", "{\"finish\":{\"buildId\":<detail-name>,\"status\":<detail-status>}}")))))));
    }

    @Test
    void theAccountsApiGatewayLoggingRoleIsSetBeforeEitherStageIsCreatedAndOutlivesTheStack() {
        Map<String, JsonNode> accounts = synth.resources("AWS::ApiGateway::Account");
        assertThat(accounts).hasSize(1);
        String account = accounts.keySet().iterator().next();
        String role = accounts.get(account).at("/Properties/CloudWatchRoleArn/Fn::GetAtt/0").asText();
        JsonNode roleResource = synth.json().path("Resources").path(role);
        assertThat(roleResource.path("DeletionPolicy").asText()).isEqualTo("Retain");
        assertThat(roleResource.at("/Properties/AssumeRolePolicyDocument/Statement/0/Principal/Service").asText())
                .isEqualTo("apigateway.amazonaws.com");
        assertThat(roleResource.at("/Properties/ManagedPolicyArns/0").toString()).contains("AmazonAPIGatewayPushToCloudWatchLogs");
        for (String type : List.of("AWS::ApiGateway::Stage", "AWS::ApiGatewayV2::Stage")) {
            assertThat(synth.resources(type).values()).as(type).singleElement()
                    .satisfies(stage -> assertThat(stage.path("DependsOn").toString()).contains("\"" + account + "\""));
        }
    }

    @Test
    void everyImageRepositoryOfTheStackKeepsOnlyItsTenNewestTags() throws Exception {
        Map<String, JsonNode> repositories = synth.resources("AWS::ECR::Repository");
        assertThat(repositories).hasSize(1);
        for (JsonNode repository : repositories.values()) {
            assertThat(repository.at("/Properties/ImageTagMutability").asText()).isEqualTo("IMMUTABLE");
            JsonNode rules = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                    repository.at("/Properties/LifecyclePolicy/LifecyclePolicyText").asText()).path("rules");
            assertThat(rules).singleElement().satisfies(rule -> {
                assertThat(rule.path("selection").toString()).isEqualTo("{\"tagStatus\":\"tagged\",\"tagPatternList\":[\"*\"],"
                        + "\"countType\":\"imageCountMoreThan\",\"countNumber\":10}");
                assertThat(rule.at("/action/type").asText()).isEqualTo("expire");
            });
        }
    }

    /** The documented deployment: the agent image is a tag of the stack's own repository, nothing is built here. */
    @Test
    void agentImageTagRunsThatTagOfTheStacksRepositoryWithAPullGrantForItOnly() throws Exception {
        Synthesized documented = Synthesized.documented();
        String repository = documented.logicalId(documented.stack().builds().repository());
        assertThat(documented.resources("AWS::ECS::TaskDefinition").values()).hasSize(2).allSatisfy(definition ->
                assertThat(definition.at("/Properties/ContainerDefinitions/0/Image").toString())
                        .contains(repository).endsWith(":0.1.0\"]]}"));
        String executionRole = documented.logicalId(documented.stack().builds().executionRole());
        assertThat(LeastPrivilegeTest.grants(documented)).filteredOn(g -> g.owner().path("Properties").path("Roles").toString()
                .contains(executionRole) && g.list("Action").contains("ecr:BatchGetImage"))
                .singleElement().satisfies(g -> assertThat(g.statement().path("Resource").toString())
                        .isEqualTo("{\"Fn::GetAtt\":[\"" + repository + "\",\"Arn\"]}"));
        JsonNode assets = new com.fasterxml.jackson.databind.ObjectMapper().readTree(java.nio.file.Path.of(
                documented.assembly().getDirectory(), documented.stack().getArtifactId() + ".assets.json").toFile());
        assertThat(assets.path("dockerImages").size()).isZero();
        assertThat(documented.problems()).isEmpty();
    }

    @Test
    void newVpcHasNoNatGatewayAndTasksGetPublicIps() {
        assertThat(synth.resources("AWS::EC2::NatGateway")).isEmpty();
        assertThat(synth.resources("AWS::EC2::Subnet")).hasSize(2)
                .allSatisfy((id, subnet) -> assertThat(subnet.path("Properties").path("MapPublicIpOnLaunch").asBoolean()).isTrue());
        synth.template().resourceCountIs("AWS::EC2::FlowLog", 1);
        synth.template().hasResourceProperties("AWS::EC2::SecurityGroup", Map.of(
                "SecurityGroupIngress", Match.absent()));
    }

    @Test
    void buildLogsReachTheForwarderAndTheStreamTheNotifier() {
        synth.template().hasResourceProperties("AWS::Logs::SubscriptionFilter", Map.of(
                "LogGroupName", Map.of("Ref", synth.logicalId(synth.stack().builds().logGroup())),
                "DestinationArn", Map.of("Ref", Match.stringLikeRegexp("LiveLogForwarderAlias.*"))));
        synth.template().hasResourceProperties("AWS::Logs::LogGroup", Map.of(
                "RetentionInDays", 30));
        JsonNode mapping = synth.resources("AWS::Lambda::EventSourceMapping").values().iterator().next().path("Properties");
        assertThat(mapping.path("FunctionName").toString()).contains("LiveStatusNotifierAlias").contains(":live");
        assertThat(mapping.path("EventSourceArn").toString()).contains("StreamArn");
        assertThat(mapping.path("FilterCriteria").toString()).contains("BUILD#").contains("TASK#");
    }

    @Test
    void outputsAreExactlyTheContractKeys() {
        Set<String> keys = new TreeSet<>();
        synth.json().path("Outputs").fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactlyInAnyOrder("RestApiUrl", "WebSocketUrl", "TableName", "ContextBucketName",
                "StateMachineArn", "BuildLogGroupName", "AgentRepositoryUri", "K8sActivityArn");
        assertThat(synth.json().path("Outputs").path("WebSocketUrl").path("Value").toString()).contains("wss://");
        assertThat(synth.json().path("Outputs").path("RestApiUrl").path("Value").toString()).contains("https://");
    }

    @Test
    void cdkNagAndTemplateValidationReportNothing() {
        assertThat(synth.problems()).isEmpty();
    }
}
