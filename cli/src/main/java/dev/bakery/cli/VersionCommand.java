package dev.bakery.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code bakery version}. */
@Command(name = "version", mixinStandardHelpOptions = true, description = "Prints the CLI's version and the Java it runs on.")
final class VersionCommand implements Runnable {

    @ParentCommand
    BakeryCommand root;

    @Override
    public void run() {
        root.context().out().println("bakery " + BakeryCommand.version() + " on Java " + Runtime.version());
    }
}
