package dev.bakery.cli.follow;

import dev.bakery.core.live.LiveMessage;

/** What following one build produces, in order: its lines (each once), status changes and notes. */
public interface FollowListener {

    void line(LiveMessage.Line line);

    /** The build (no task id) or one of its tasks moved to a new status. */
    void status(LiveMessage.Status status);

    /** Something about the following itself, e.g. a dropped connection; not part of the build's log. */
    void notice(String text);
}
