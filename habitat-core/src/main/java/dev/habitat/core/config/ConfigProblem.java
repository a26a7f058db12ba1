package dev.habitat.core.config;

/**
 * One thing wrong (or suspicious) in a config file: where, which key, what, and how to fix it.
 *
 * @param keyPath the key path in the document, e.g. {@code files[2].dest}; empty for the document itself
 */
public record ConfigProblem(Severity severity, Location location, String keyPath, String message, String fix) {

    /** NOTE: something the config asked for and the loader did (an optional file skipped): worth a line, not a warning. */
    public enum Severity { ERROR, WARNING, NOTE }

    public static ConfigProblem error(Location at, String keyPath, String message, String fix) {
        return new ConfigProblem(Severity.ERROR, at, keyPath, message, fix);
    }

    public static ConfigProblem warning(Location at, String keyPath, String message, String fix) {
        return new ConfigProblem(Severity.WARNING, at, keyPath, message, fix);
    }

    public static ConfigProblem note(Location at, String keyPath, String message, String fix) {
        return new ConfigProblem(Severity.NOTE, at, keyPath, message, fix);
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    /** {@code file:line:col: key: message. Fix: ...} — the form compilers use, so IDEs link it. */
    public String format() {
        StringBuilder b = new StringBuilder().append(location).append(": ");
        if (!keyPath.isEmpty()) {
            b.append(keyPath).append(": ");
        }
        b.append(message);
        if (fix != null && !fix.isBlank()) {
            b.append(". Fix: ").append(fix);
        }
        return b.toString();
    }
}
