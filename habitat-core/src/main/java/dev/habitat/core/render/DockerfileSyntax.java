package dev.habitat.core.render;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Escaping for the Dockerfile instructions we emit, so that a config value can never leave its
 * instruction: Docker's word lexer reads {@code \}, quotes and {@code $} in ENV, LABEL, WORKDIR and COPY.
 */
public final class DockerfileSyntax {
    private static final Pattern REF = Pattern.compile("\\$\\{([^}]*)}");
    private static final Pattern NAME_EXPANSION = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)(?::([-+])([^}\"'`$\\\\\n]*))?");

    private DockerfileSyntax() {}

    /** A double-quoted word with everything literal: {@code \ " $} escaped. */
    public static String quotedLiteral(String value) {
        return "\"" + escape(value) + "\"";
    }

    /**
     * A double-quoted ENV value: literal text escaped, references the config left unresolved kept as
     * Docker expansions. {@code ${PATH}} falls back to the standard PATH when the base image has none.
     */
    static String quotedEnvValue(String value, String key, String defaultPath) {
        StringBuilder b = new StringBuilder("\"");
        Matcher m = REF.matcher(value);
        int last = 0;
        while (m.find()) {
            b.append(escape(value.substring(last, m.start())));
            String body = m.group(1);
            if (body.equals("PATH")) {
                b.append("${PATH:-").append(escape(defaultPath)).append('}');
            } else if (NAME_EXPANSION.matcher(body).matches()) {
                b.append("${").append(body).append('}');
            } else {
                b.append(escape(m.group()));
            }
            last = m.end();
        }
        b.append(escape(value.substring(last))).append('"');
        return b.toString();
    }

    /**
     * The value an ENV instruction gives a variable, for build methods that set env without Dockerfile
     * (docker-exec): the same references as {@link #quotedEnvValue} expand against {@code env}.
     */
    public static String expandEnvValue(String value, Map<String, String> env, String defaultPath) {
        StringBuilder b = new StringBuilder();
        Matcher m = REF.matcher(value);
        int last = 0;
        while (m.find()) {
            b.append(value, last, m.start());
            String body = m.group(1);
            Matcher nm = NAME_EXPANSION.matcher(body);
            if (body.equals("PATH")) {
                String path = env.get("PATH");
                b.append(path == null || path.isEmpty() ? defaultPath : path);
            } else if (nm.matches()) {
                String v = env.get(nm.group(1));
                boolean set = v != null && !v.isEmpty();
                if (nm.group(2) == null) {
                    b.append(v == null ? "" : v);
                } else if (nm.group(2).equals("-")) {
                    b.append(set ? v : nm.group(3));
                } else {
                    b.append(set ? nm.group(3) : "");
                }
            } else {
                b.append(m.group());
            }
            last = m.end();
        }
        b.append(value.substring(last));
        return b.toString();
    }

    /** An unquoted word (WORKDIR, USER): every character the lexer treats specially is escaped. */
    static String word(String value) {
        StringBuilder b = new StringBuilder();
        for (char c : value.toCharArray()) {
            if (c == '\\' || c == '$' || c == '"' || c == '\'') {
                b.append('\\');
            }
            b.append(c);
        }
        return b.toString();
    }

    private static String escape(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == '\\' || c == '"' || c == '$') {
                b.append('\\');
            }
            b.append(c);
        }
        return b.toString();
    }
}
