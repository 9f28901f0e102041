package dev.bakery.registry;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

/** A registry username and password; never printed. */
public record Login(String username, String password) {

    public Login {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
    }

    String basicHeader() {
        return "Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "Login[username=" + username + ", password=****]";
    }
}
