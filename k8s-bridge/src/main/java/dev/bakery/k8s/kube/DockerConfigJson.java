package dev.bakery.k8s.kube;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bakery.registry.Login;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/** The {@code .dockerconfigjson} of a pull secret: {@code {"auths": {registry: {"auth": base64(user:password)}}}}. */
public final class DockerConfigJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private DockerConfigJson() {
    }

    /** @param logins by registry host, as the plan names them */
    public static String of(Map<String, Login> logins) {
        ObjectNode config = JSON.createObjectNode();
        ObjectNode auths = config.putObject("auths");
        logins.forEach((registry, login) -> auths.putObject(registry.equals("docker.io") ? "https://index.docker.io/v1/" : registry)
                .put("auth", Base64.getEncoder().encodeToString((login.username() + ":" + login.password())
                        .getBytes(StandardCharsets.UTF_8))));
        return config.toString();
    }
}
