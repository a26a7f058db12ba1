package dev.habitat.core.config;

import java.util.List;


/**
 * A {@code scripts[]} entry: commands run in order as {@code runAs}, each judged by its exit code.
 * {@code secrets} are ids of secrets readable as {@code /run/secrets/<id>} while this script runs, never stored.
 */
public record ScriptSpec(String runAs, List<String> commands, String before, String after, List<String> secrets, Origin origin) {
    public ScriptSpec {
        commands = List.copyOf(commands);
        secrets = List.copyOf(secrets);
    }
}
