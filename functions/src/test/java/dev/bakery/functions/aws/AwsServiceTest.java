package dev.bakery.functions.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AwsServiceTest {

    @Test
    void stepFunctionsSpeaksJson10AndTheOthersJson11() {
        assertThat(AwsService.STEP_FUNCTIONS.contentType()).isEqualTo("application/x-amz-json-1.0");
        assertThat(AwsService.CLOUDWATCH_LOGS.contentType()).isEqualTo("application/x-amz-json-1.1");
        assertThat(AwsService.SECRETS_MANAGER.contentType()).isEqualTo("application/x-amz-json-1.1");
        assertThat(AwsService.ECR.contentType()).isEqualTo("application/x-amz-json-1.1");
        assertThat(new AwsService("x", "X", "x").jsonVersion()).isEqualTo("1.1");
    }

    @Test
    void namesAndEndpointsOfTheNewServices() {
        assertThat(AwsService.STEP_FUNCTIONS.signingName()).isEqualTo("states");
        assertThat(AwsService.STEP_FUNCTIONS.targetPrefix()).isEqualTo("AWSStepFunctions");
        assertThat(AwsService.STEP_FUNCTIONS.endpoint("eu-west-1")).hasToString("https://states.eu-west-1.amazonaws.com");
        assertThat(AwsService.CLOUDWATCH_LOGS.signingName()).isEqualTo("logs");
        assertThat(AwsService.CLOUDWATCH_LOGS.targetPrefix()).isEqualTo("Logs_20140328");
        assertThat(AwsService.CLOUDWATCH_LOGS.endpoint("cn-north-1")).hasToString("https://logs.cn-north-1.amazonaws.com.cn");
    }

    @Test
    void refusesAnUnknownJsonVersion() {
        assertThatThrownBy(() -> new AwsService("x", "X", "x", "2.0"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("jsonVersion must be 1.0 or 1.1, not 2.0");
    }
}
