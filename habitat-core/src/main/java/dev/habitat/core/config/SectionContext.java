package dev.habitat.core.config;

import dev.habitat.core.Json;
import dev.habitat.core.Phase;
import dev.habitat.core.config.YamlNode.ListNode;
import dev.habitat.core.config.YamlNode.MapNode;
import dev.habitat.core.config.YamlNode.Scalar;
import dev.habitat.core.config.YamlNode.ScalarKind;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What every section reader needs while reading one habitat's layers: where problems go, the resolved env, the
 * root, the habitat file and the user's home, and the helpers that read a value or report why it cannot be read.
 *
 * @param env empty until the env sections of every layer are resolved ({@link #withEnv})
 */
record SectionContext(Path root, Path habitatFile, Path userHome, List<ConfigProblem> problems, Map<String, String> env) {
    /** User and group names as useradd accepts them, or numeric ids. */
    static final Pattern ACCOUNT = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]*\\$?|[0-9]+");
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h|d)?");
    private static final Pattern OCTAL_MODE = Pattern.compile("(?:0o?)?([0-7]{3,4})");

    /** The same context over the resolved env; problems still go to the same list. */
    SectionContext withEnv(Map<String, String> resolved) {
        return new SectionContext(root, habitatFile, userHome, problems, resolved);
    }

    void error(YamlNode at, String path, String message, String fix) {
        problems.add(ConfigProblem.error(at.location(), path, message, fix));
    }

    void checkKeys(MapNode map, String prefix, Set<String> known) {
        for (YamlNode.Entry e : map.entries().values()) {
            if (!known.contains(e.key())) {
                String path = prefix.isEmpty() ? e.key() : prefix + "." + e.key();
                String hint = "debug".equals(e.key()) && prefix.isEmpty()
                        ? "'debug' was only planned in the original tool and does nothing: remove it"
                        : Suggestions.forUnknownKey(e.key(), known);
                if (Suggestions.nearMiss(e.key(), known).isPresent() && !hint.contains("was renamed")) {
                    // a typo of a known key would silently drop its section: that is an error
                    problems.add(ConfigProblem.error(e.keyLocation(), path, "unknown key", hint));
                } else {
                    problems.add(ConfigProblem.warning(e.keyLocation(), path, "unknown key, ignored", hint));
                }
            }
        }
    }

    Duration duration(YamlNode node, String path) {
        if (node instanceof Scalar s && !s.isNull() && (s.kind() == ScalarKind.INTEGER || s.kind() == ScalarKind.STRING)) {
            Matcher mm = DURATION.matcher(s.text().trim());
            if (mm.matches()) {
                double n = Double.parseDouble(mm.group(1));
                String unit = mm.group(2) == null ? "ms" : mm.group(2);
                double ms = n * switch (unit) {
                    case "ms" -> 1;
                    case "s" -> 1000;
                    case "m" -> 60_000;
                    case "h" -> 3_600_000;
                    default -> 86_400_000;
                };
                if ((long) ms > 0 && (mm.group(2) != null || mm.group(1).indexOf('.') < 0)) {
                    return Duration.ofMillis((long) ms);
                }
            }
        }
        error(node, path, "'" + text(node) + "' is not a duration", "write a positive duration such as 90s, 10m or 1.5h");
        return null;
    }

    String expand(String s) {
        return EnvResolver.expand(s, env);
    }

    String hook(MapNode m, String key, String path) {
        Scalar s = string(m, key, path + "." + key);
        if (s == null) {
            return null;
        }
        String v = s.text().trim();
        Optional<Phase> phase = Phase.parse(v);
        if (phase.isPresent()) {
            return phase.get().phaseName();
        }
        String hint = "setup".equals(v) ? "use one of: " + String.join(", ", Phase.names()) + " ('setup' was renamed to 'scripts')"
                : Phase.didYouMean(v).map(n -> "did you mean " + key + ": " + n + "? Phases: " + String.join(", ", Phase.names()))
                        .orElse("use one of: " + String.join(", ", Phase.names()));
        error(s, path + "." + key, "'" + v + "' is not a phase", hint);
        return null;
    }

    Integer mode(YamlNode node, String path) {
        if (node == null || isNull(node)) {
            return null;
        }
        if (node instanceof Scalar s && (s.kind() == ScalarKind.INTEGER || s.kind() == ScalarKind.STRING)) {
            Matcher mm = OCTAL_MODE.matcher(s.text().trim());
            if (mm.matches()) {
                return Integer.parseInt(mm.group(1), 8);
            }
        }
        error(node, path, "'" + text(node) + "' is not an octal file mode", "write e.g. mode: \"0644\" or mode: 755");
        return null;
    }

    boolean checkAbsolutePath(String p, Location at, String path, String what) {
        List<String> unresolved = EnvResolver.unresolvedNames(p);
        if (!unresolved.isEmpty()) {
            problems.add(ConfigProblem.error(at, path, what + " '" + p + "' refers to undefined variable "
                    + unresolved.get(0), "define " + unresolved.get(0) + " in env, or write the path out"));
            return false;
        }
        if (p.chars().anyMatch(c -> c < ' ' || c == 127)) {
            problems.add(ConfigProblem.error(at, path, what + " contains a control character (such as a line break)",
                    "write the path on one line"));
            return false;
        }
        if (!p.startsWith("/")) {
            problems.add(ConfigProblem.error(at, path, what + " must be an absolute path, got '" + p + "'",
                    "start it with '/', e.g. /workspace/" + p.replaceFirst("^\\./", "")));
            return false;
        }
        return true;
    }

    /** Why a relative source lies outside the root ("leaves ... through '..'", "links out of"), or null. */
    String escapesRoot(Path source) {
        if (!source.normalize().startsWith(root)) {
            return "leaves (through '..')";
        }
        try {
            Path real = source.toRealPath();
            if (!real.startsWith(root.toRealPath())) {
                return "links (through a symlink to " + real + ") out of";
            }
            // a directory may hold symlinks that point out: they are copied as links, never followed
        } catch (IOException e) {
            return null; // a dangling link: reported as not found elsewhere, or copied as a link
        }
        return null;
    }

    Path resolveHostPath(String p, Path root, Path declaringDir) {
        if (p.equals("~")) {
            return userHome;
        }
        if (p.startsWith("~/")) {
            return userHome.resolve(p.substring(2)).normalize();
        }
        if (p.startsWith("./") || p.equals(".")) {
            return root.resolve(p).normalize();
        }
        return declaringDir.resolve(p).normalize();
    }

    Scalar required(MapNode m, String key, String path, String fix) {
        YamlNode n = m.get(key);
        if (n == null || isNull(n)) {
            error(m, path + "." + key, "missing required '" + key + "'", "add " + fix);
            return null;
        }
        return string(m, key, path + "." + key);
    }

    Scalar string(MapNode m, String key, String path) {
        YamlNode n = m.get(key);
        if (n == null || isNull(n)) {
            return null;
        }
        if (n instanceof Scalar s && s.kind() != ScalarKind.BOOLEAN) {
            return s;
        }
        error(n, path, "must be a string, not " + n.describe(), n instanceof Scalar
                ? "quote the value: " + key + ": \"" + text(n) + "\"" : "write a single value: " + key + ": <text>");
        return null;
    }

    Boolean bool(MapNode m, String key, String path) {
        YamlNode n = m.get(key);
        if (n == null || isNull(n)) {
            return null;
        }
        if (n instanceof Scalar s && s.kind() == ScalarKind.BOOLEAN) {
            return Boolean.parseBoolean(s.text());
        }
        error(n, path, "must be a boolean (true or false), not " + n.describe() + " '" + text(n) + "'",
                "write " + key + ": true or " + key + ": false");
        return null;
    }

    ListNode list(MapNode doc, String key) {
        return list(doc, key, key);
    }

    ListNode list(MapNode doc, String key, String path) {
        YamlNode n = doc.get(key);
        if (n == null || isNull(n)) {
            return null;
        }
        if (n instanceof ListNode l) {
            return l;
        }
        error(n, path, "must be a list, not " + n.describe(), "write each entry on its own line starting with '- '");
        return null;
    }

    String expandTilde(String p, String user) {
        if (p.equals("~")) {
            return HabitatConfig.homeOf(user);
        }
        if (p.startsWith("~/")) {
            return HabitatConfig.homeOf(user) + p.substring(1);
        }
        return p;
    }

    static boolean isNull(YamlNode n) {
        return n instanceof Scalar s && s.isNull();
    }

    static String text(YamlNode n) {
        return n instanceof Scalar s ? String.valueOf(s.text()) : n.describe();
    }

    /** A stable text form of an arbitrary YAML value (for hashing sections like {@code tools}). */
    static String canonical(YamlNode n) {
        if (n instanceof Scalar s) {
            return s.isNull() ? "null" : Json.quoted(s.text());
        }
        if (n instanceof ListNode l) {
            return l.items().stream().map(SectionContext::canonical).collect(Collectors.joining(",", "[", "]"));
        }
        MapNode m = (MapNode) n;
        return m.entries().values().stream()
                .map(e -> canonical(new Scalar(e.key(), ScalarKind.STRING, e.keyLocation())) + ":" + canonical(e.value()))
                .collect(Collectors.joining(",", "{", "}"));
    }
}
