package dev.bakery.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code bakery completion bash|zsh}: the shell completion script, generated from the commands themselves. */
@Command(name = "completion", mixinStandardHelpOptions = true,
        description = "Prints a completion script for bash or zsh: `source <(bakery completion bash)`, or in ~/.zshrc"
                + " `source <(bakery completion zsh)`.")
final class CompletionCommand implements Callable<Integer> {

    @ParentCommand
    BakeryCommand root;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "SHELL", description = "bash or zsh")
    String shell;

    @Override
    public Integer call() {
        String script = AutoComplete.bash("bakery", spec.root().commandLine());
        switch (shell) {
            case "bash" -> root.context().out().print(script);
            // picocli's script is bash's; zsh runs it through its bash compatibility layer.
            case "zsh" -> root.context().out().print("autoload -U +X compinit && compinit\n"
                    + "autoload -U +X bashcompinit && bashcompinit\n" + script);
            default -> throw new UsageException("completion: \"" + shell + "\" is not bash or zsh");
        }
        return ExitCodes.OK;
    }
}
