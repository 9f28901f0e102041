package dev.bakery.cli;

import dev.bakery.cli.output.OutputFormat;
import dev.bakery.cli.output.Renderer;
import picocli.CommandLine.Option;

/** {@code --output}, defaulting to {@code LOG_FORMAT} as in the original Bakery. */
final class OutputOptions {

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT",
            description = "simple (prefixed lines, one colour per task on a terminal), plain (no colour, with times) or"
                    + " json (one object per line); default: env LOG_FORMAT, else simple.")
    String output;

    OutputFormat format(CliContext context) {
        String chosen = output != null ? output : context.env().getOrDefault("LOG_FORMAT", "simple");
        try {
            return OutputFormat.parse(chosen.isBlank() ? "simple" : chosen);
        } catch (IllegalArgumentException e) {
            throw new UsageException((output != null ? "--output: " : "LOG_FORMAT: ") + e.getMessage());
        }
    }

    Renderer renderer(CliContext context) {
        return Renderer.of(format(context), context.out(), context.interactive());
    }
}
