package dev.habitat.core.plan;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Quoting for POSIX shells: config values are data, never code. */
public final class Shell {
    /** A {@code ${...}} body the shell (and Docker) can expand: a name, optionally with a default/alternative. */
    static final Pattern SHELL_EXPANSION = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(?::?[-+=?][^}\"'`$\\\\\n]*)?");

    private Shell() {}

    /** {@code 'text'}, with embedded single quotes as {@code '\''}. */
    public static String quote(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }

    /**
     * The inside of a double-quoted shell word for an env value: literal text escaped, and references left
     * unresolved by the config ({@code ${PATH}}) kept as shell expansions.
     */
    public static String doubleQuotedKeepingReferences(String value) {
        StringBuilder b = new StringBuilder();
        Matcher m = Pattern.compile("\\$\\{([^}]*)}").matcher(value);
        int last = 0;
        while (m.find()) {
            b.append(escapeDoubleQuoted(value.substring(last, m.start())));
            if (SHELL_EXPANSION.matcher(m.group(1)).matches()) {
                b.append("${").append(m.group(1)).append('}');
            } else {
                b.append(escapeDoubleQuoted(m.group()));
            }
            last = m.end();
        }
        b.append(escapeDoubleQuoted(value.substring(last)));
        return b.toString();
    }

    static String escapeDoubleQuoted(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == '\\' || c == '"' || c == '$' || c == '`') {
                b.append('\\');
            }
            b.append(c);
        }
        return b.toString();
    }
}
