package dev.bakery.core.live;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;

/** Writes and reads {@link LiveMessage}s as the JSON text frames of the WebSocket API. */
public final class LiveMessages {

    private static final ObjectMapper JSON = new ObjectMapper();

    private LiveMessages() {
    }

    public static String write(LiveMessage message) {
        try {
            return JSON.writeValueAsString(message);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("a live message always serializes", e);
        }
    }

    /** @throws IllegalArgumentException for text that is not one of the messages */
    public static LiveMessage read(String text) {
        try {
            return JSON.readValue(text, LiveMessage.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a live message: " + e.getOriginalMessage(), e);
        }
    }
}
