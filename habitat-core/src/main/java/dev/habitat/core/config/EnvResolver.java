package dev.habitat.core.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one env compiler: merges {@code KEY=value} definitions of all layers and resolves references.
 *
 * <p>{@code ${NAME}} and {@code {env.NAME}} refer to the final definition of NAME, whatever layer or
 * order it came in, so a derived variable follows an override. Inside NAME's own
 * definition, {@code ${NAME}} refers to the definition it overrides ({@code PATH=${PATH}:/x} appends), or
 * stays literal for the shell when there is none. Unknown names stay literal ({@code ${PATH}}).
 * A key keeps the position of its first definition.
 */
public final class EnvResolver {
    /** {@code ${anything but a brace}} or {@code {env.NAME}}, as the original accepted them. */
    public static final Pattern REFERENCE = Pattern.compile("\\$\\{([^}]*)}|\\{env\\.([A-Za-z_][A-Za-z0-9_]*)}");

    /** One {@code KEY=value} line of one layer. */
    public record Definition(String key, String rawValue, Layer layer, Location location, String keyPath) {}

    private final List<Definition> definitions;
    private final Map<String, Definition> finalDefinition = new LinkedHashMap<>();
    private final Map<Definition, Definition> overridden = new IdentityHashMap<>();
    private final Map<Definition, String> resolved = new IdentityHashMap<>();

    public EnvResolver(List<Definition> definitions) {
        this.definitions = List.copyOf(definitions);
        for (Definition d : this.definitions) {
            Definition previous = finalDefinition.put(d.key(), d);
            if (previous != null) {
                overridden.put(d, previous);
            }
        }
    }

    /** The merged env in first-definition order; throws listing every cycle. */
    public Map<String, String> resolve() {
        List<ConfigProblem> problems = new ArrayList<>();
        Set<Set<String>> cycles = new HashSet<>();
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, Definition> e : finalDefinition.entrySet()) {
            try {
                out.put(e.getKey(), resolve(e.getValue(), new ArrayList<>()));
            } catch (CycleException c) {
                if (cycles.add(c.members)) {
                    Definition at = c.at;
                    problems.add(ConfigProblem.error(at.location(), at.keyPath(), c.getMessage(),
                            "break the cycle: define one of these variables without referring to the others"));
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return out;
    }

    private String resolve(Definition d, List<Definition> inProgress) {
        String done = resolved.get(d);
        if (done != null) {
            return done;
        }
        if (inProgress.contains(d)) {
            List<String> chain = new ArrayList<>();
            for (Definition x : inProgress.subList(inProgress.indexOf(d), inProgress.size())) {
                chain.add(x.key());
            }
            chain.add(d.key());
            throw new CycleException("env variables refer to each other in a cycle: " + String.join(" -> ", chain), d,
                    Set.copyOf(chain));
        }
        inProgress.add(d);
        Matcher m = REFERENCE.matcher(d.rawValue());
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(2);
            Definition target = name.equals(d.key()) ? overridden.get(d) : finalDefinition.get(name);
            String replacement = target == null ? m.group() : resolve(target, inProgress);
            m.appendReplacement(b, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(b);
        inProgress.remove(inProgress.size() - 1);
        String value = b.toString();
        resolved.put(d, value);
        return value;
    }

    /** Expands references in any config string against the final env; unknown names stay literal. */
    public static String expand(String text, Map<String, String> env) {
        if (text == null || text.indexOf('{') < 0) {
            return text;
        }
        Matcher m = REFERENCE.matcher(text);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(2);
            String value = env.get(name);
            m.appendReplacement(b, Matcher.quoteReplacement(value == null ? m.group() : value));
        }
        m.appendTail(b);
        return b.toString();
    }

    /** The names of references left unresolved in an expanded string ({@code ${X}} with X unknown). */
    public static List<String> unresolvedNames(String expanded) {
        List<String> names = new ArrayList<>();
        Matcher m = REFERENCE.matcher(expanded);
        while (m.find()) {
            names.add(m.group(1) != null ? m.group(1) : m.group(2));
        }
        return names;
    }

    private static final class CycleException extends RuntimeException {
        final Definition at;
        final Set<String> members;

        CycleException(String message, Definition at, Set<String> members) {
            super(message, null, false, false);
            this.at = at;
            this.members = members;
        }
    }

}
