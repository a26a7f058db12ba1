package dev.habitat.core.config;

import dev.habitat.core.HabitatException;
import java.util.List;
import java.util.stream.Collectors;

/** The config cannot be used; carries every error found, not just the first. */
public final class ConfigException extends HabitatException {
    private final List<ConfigProblem> problems;

    public ConfigException(List<ConfigProblem> problems) {
        super(Kind.HABITAT, render(problems));
        this.problems = List.copyOf(problems);
    }

    public static ConfigException single(Location at, String keyPath, String message, String fix) {
        return new ConfigException(List.of(ConfigProblem.error(at, keyPath, message, fix)));
    }

    public List<ConfigProblem> problems() {
        return problems;
    }

    private static String render(List<ConfigProblem> problems) {
        long errors = problems.stream().filter(ConfigProblem::isError).count();
        return "Invalid habitat config (" + errors + (errors == 1 ? " error" : " errors") + "):\n"
                + problems.stream().filter(ConfigProblem::isError)
                        .map(p -> "  " + p.format()).collect(Collectors.joining("\n"));
    }
}
