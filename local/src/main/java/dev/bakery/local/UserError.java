package dev.bakery.local;

/** Something the person starting bakery-local can fix; its message is one sentence saying how. */
public final class UserError extends RuntimeException {

    public UserError(String sentence) {
        super(sentence, null, false, false);
    }
}
