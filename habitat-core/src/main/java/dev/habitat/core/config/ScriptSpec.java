package dev.habitat.core.config;

import java.util.List;


/** A {@code scripts[]} entry: commands run in order as {@code runAs}, each judged by its exit code. */
public record ScriptSpec(String runAs, List<String> commands, String before, String after, Origin origin) {
    public ScriptSpec {
        commands = List.copyOf(commands);
    }
}
