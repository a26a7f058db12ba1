package dev.habitat.core.config;

import static dev.habitat.core.config.SectionContext.ACCOUNT;
import static dev.habitat.core.config.SectionContext.isNull;

import dev.habitat.core.Spelling;
import dev.habitat.core.config.YamlNode.ListNode;
import dev.habitat.core.config.YamlNode.MapNode;
import dev.habitat.core.config.YamlNode.Scalar;
import dev.habitat.core.config.YamlNode.ScalarKind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/** Reads the env section of every layer and the build args over it, resolves it, and checks USER and WORKDIR. */
final class EnvSection {
    private static final Pattern ENV_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final SectionContext ctx;
    private final List<EnvResolver.Definition> envDefinitions = new ArrayList<>();

    /** @param ctx the context before env is resolved (its env is empty) */
    EnvSection(SectionContext ctx) {
        this.ctx = ctx;
    }

    void collectEnv(Layer layer, MapNode doc) {
        YamlNode node = doc.get("env");
        if (node == null || isNull(node)) {
            if (layer == Layer.HABITAT) {
                ctx.error(doc, "env", "missing required section 'env'",
                        "add an env list, e.g.\n  env:\n    - USER=node\n    - WORKDIR=/workspace");
            }
            return;
        }
        if (!(node instanceof ListNode list)) {
            ctx.error(node, "env", "must be a list of KEY=value strings, not " + node.describe(),
                    "write it as\n  env:\n    - USER=node\n    - WORKDIR=/workspace");
            return;
        }
        Set<String> ownKeys = new LinkedHashSet<>();
        for (int i = 0; i < list.items().size(); i++) {
            YamlNode item = list.items().get(i);
            String path = "env[" + i + "]";
            if (!(item instanceof Scalar s) || s.isNull() || s.kind() != ScalarKind.STRING && s.kind() != ScalarKind.INTEGER) {
                ctx.error(item, path, "must be a KEY=value string, not " + item.describe(), "quote it: - \"KEY=value\"");
                continue;
            }
            String text = s.text();
            int eq = text.indexOf('=');
            if (eq <= 0) {
                ctx.error(item, path, "'" + text + "' has no KEY=value form", "write it as KEY=value");
                continue;
            }
            String key = text.substring(0, eq);
            String value = text.substring(eq + 1);
            if (!ENV_KEY.matcher(key).matches()) {
                ctx.error(item, path, "'" + key + "' is not a valid variable name",
                        "use letters, digits and underscores, not starting with a digit");
                continue;
            }
            if (!fitsAnImageEnv(value)) {
                ctx.error(item, path, notInAnImageEnv(key),
                        "keep env values on one line (write multi-line content to a file with 'files')");
                continue;
            }
            ownKeys.add(key);
            envDefinitions.add(new EnvResolver.Definition(key, value, layer, item.location(), path));
        }
        if (layer == Layer.HABITAT) {
            if (!ownKeys.contains("USER")) {
                ctx.error(node, "env", "missing required variable USER in the habitat's own env",
                        "add '- USER=<user the habitat runs as>', e.g. - USER=node");
            }
            if (!ownKeys.contains("WORKDIR")) {
                ctx.error(node, "env", "missing required variable WORKDIR in the habitat's own env",
                        "add '- WORKDIR=/workspace' (an absolute path)");
            }
        }
    }

    void applyBuildArgs(Map<String, String> buildArgs) {
        Set<String> defined = new TreeSet<>();
        envDefinitions.forEach(d -> defined.add(d.key()));
        for (Map.Entry<String, String> arg : new TreeMap<>(buildArgs).entrySet()) {
            String key = arg.getKey();
            String value = arg.getValue() == null ? "" : arg.getValue();
            Location at = Location.ofFile(Path.of(ConfigLoader.BUILD_ARG_PREFIX + key));
            if (!defined.contains(key)) {
                String near = Spelling.nearest(key, defined, 2).map(n -> "did you mean " + n + "? ").orElse("");
                ctx.problems().add(ConfigProblem.error(at, "", "the habitat's env has no variable " + key + " to override",
                        near + "a build arg overrides one of the env's variables: " + String.join(", ", defined)));
            } else if (!fitsAnImageEnv(value)) {
                ctx.problems().add(ConfigProblem.error(at, "", notInAnImageEnv(key), "give a one-line value"));
            } else {
                envDefinitions.add(new EnvResolver.Definition(key, value, Layer.HABITAT, at, "value"));
            }
        }
    }

    /** Whether an image ENV can hold the value: no line break, no NUL (the config's and a build arg's alike). */
    private static boolean fitsAnImageEnv(String value) {
        return value.indexOf('\n') < 0 && value.indexOf('\r') < 0 && value.indexOf('\0') < 0;
    }

    private static String notInAnImageEnv(String key) {
        return "the value of " + key + " contains a line break or NUL, which an image ENV cannot hold";
    }

    /** The env every layer and build arg defines, resolved; its problems go to the context. */
    Map<String, String> resolveEnv() {
        Map<String, String> env;
        try {
            env = new EnvResolver(envDefinitions).resolve();
        } catch (ConfigException e) {
            ctx.problems().addAll(e.problems());
            env = new LinkedHashMap<>();
        }
        EnvResolver.Definition userDef = lastHabitat("USER");
        String user = env.get("USER");
        if (userDef != null && user != null) {
            if (user.isBlank()) {
                ctx.problems().add(ConfigProblem.error(userDef.location(), userDef.keyPath(), "USER must not be empty",
                        "set it to the user the habitat runs as, e.g. USER=node"));
            } else if (!ACCOUNT.matcher(user).matches()) {
                ctx.problems().add(ConfigProblem.error(userDef.location(), userDef.keyPath(), "USER '" + user
                        + "' is not a valid user name", "use lower-case letters, digits, '_' and '-'"));
            }
        }
        EnvResolver.Definition wdDef = lastHabitat("WORKDIR");
        String wd = env.get("WORKDIR");
        if (wdDef != null && wd != null) {
            if (wd.isBlank()) {
                ctx.problems().add(ConfigProblem.error(wdDef.location(), wdDef.keyPath(), "WORKDIR must not be empty",
                        "set it to an absolute path, e.g. WORKDIR=/workspace"));
            } else {
                ctx.checkAbsolutePath(wd, wdDef.location(), wdDef.keyPath(), "WORKDIR");
            }
        }
        return env;
    }

    private EnvResolver.Definition lastHabitat(String key) {
        EnvResolver.Definition found = null;
        for (EnvResolver.Definition d : envDefinitions) {
            if (d.key().equals(key) && d.layer() == Layer.HABITAT) {
                found = d;
            }
        }
        return found;
    }
}
