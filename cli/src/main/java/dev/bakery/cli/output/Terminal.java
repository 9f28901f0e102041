package dev.bakery.cli.output;

import java.io.Console;
import java.lang.reflect.Method;
import java.util.Map;

/** Whether output goes to a person at a terminal (colours, progress) or to a file or CI log. */
public final class Terminal {

    private Terminal() {
    }

    /**
     * True when stdout is a terminal and colours are not switched off ({@code NO_COLOR}, {@code TERM=dumb}).
     * Java 22+ has {@code Console.isTerminal()}; Java 21 only gives a console to a terminal.
     */
    public static boolean isInteractive(Map<String, String> env) {
        if (env.containsKey("NO_COLOR") || "dumb".equals(env.get("TERM"))) {
            return false;
        }
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (NoSuchMethodException java21) {
            return true;
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }
}
