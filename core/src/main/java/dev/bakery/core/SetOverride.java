package dev.bakery.core;

import java.util.List;

/**
 * One {@code --set TARGET.KEY=VALUE}, as in {@code docker buildx bake --set}: KEY is a config key path
 * ({@code kaniko.target}, {@code kaniko.build-args.VERSION}), TARGET is {@code *} (every task), a
 * compose service (its tasks) or an architecture ({@code amd64}: that arch's tasks in every service).
 * It is applied over each matching task's merged settings, so it wins over the files.
 */
public record SetOverride(String target, String key, String value) {

    public SetOverride {
        if (target == null || target.isEmpty() || key == null || key.isEmpty() || value == null) {
            throw new IllegalArgumentException("an override needs a target, a key and a value");
        }
    }

    /** Every {@code --set} value, or one problem per malformed one. */
    public static List<SetOverride> parse(List<String> written) {
        List<Problem> problems = new java.util.ArrayList<>();
        List<SetOverride> out = new java.util.ArrayList<>();
        for (String text : written) {
            int eq = text.indexOf('=');
            int dot = text.indexOf('.');
            if (eq < 0 || dot < 0 || dot > eq || dot == 0 || dot + 1 == eq) {
                problems.add(new Problem("--set", text, 0, 0,
                        "expected TARGET.KEY=VALUE, e.g. amd64.kaniko.target=prod or '*.kaniko.build-args.VERSION=1.2'"));
                continue;
            }
            out.add(new SetOverride(text.substring(0, dot), text.substring(dot + 1, eq), text.substring(eq + 1)));
        }
        if (!problems.isEmpty()) {
            throw new BakeryConfigException(problems);
        }
        return List.copyOf(out);
    }

    /** How the user wrote it, for errors. */
    public String written() {
        return target + "." + key;
    }
}
