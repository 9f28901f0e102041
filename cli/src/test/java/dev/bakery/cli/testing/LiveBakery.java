package dev.bakery.cli.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** A {@link LoopbackBakery} and its {@link AgentPlay} for all tests of a class: {@code @RegisterExtension static}. */
public final class LiveBakery implements BeforeAllCallback, AfterAllCallback {

    private LoopbackBakery bakery;
    private AgentPlay play;

    @Override
    public void beforeAll(ExtensionContext context) {
        bakery = new LoopbackBakery();
        play = new AgentPlay(bakery);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        play.close();
        bakery.close();
    }

    public LoopbackBakery bakery() {
        return bakery;
    }

    public AgentPlay play() {
        return play;
    }
}
