package dev.habitat.maven;

import dev.habitat.core.BuildMethodName;
import dev.habitat.core.Phase;
import dev.habitat.core.Platform;
import dev.habitat.core.Spelling;
import dev.habitat.core.build.BuildMethods;
import dev.habitat.core.build.SnapshotMigration;
import dev.habitat.core.config.ConfigLoader;
import dev.habitat.core.registry.ImageReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Checks the {@code -Dhabitat.*} properties given on the command line, on every goal: a bad value is an error
 * even on a goal that does not read it (a typo in {@code -Dhabitat.target} must not pass silently on
 * generate-dockerfile), a property this goal does not read is a warning, and a name no goal knows is a warning
 * with the nearest known name.
 */
record GivenProperties(String goal, Set<String> readByGoal, Set<String> known) {

    record Findings(List<String> errors, List<String> warnings) { }

    Findings check(Map<String, String> given) {
        List<String> errors = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (var e : new TreeMap<>(given).entrySet()) {
            String key = e.getKey();
            if (!key.startsWith("habitat.") || key.startsWith(ConfigLoader.BUILD_ARG_PREFIX)) {
                continue; // build args are checked against the config's env when it loads
            }
            if (!known.contains(key)) {
                warnings.add("-D" + key + " is not a habitat property, ignored" + nearest(key).map(n -> " (did you mean -D" + n + "?)").orElse(""));
                continue;
            }
            String error = errorIn(key, e.getValue());
            if (error != null) {
                errors.add(error);
            } else if (!readByGoal.contains(key)) {
                warnings.add("-D" + key + " is not used by habitat:" + goal + ", ignored");
            }
        }
        return new Findings(errors, warnings);
    }

    /** The error line for a bad value, or null. A phase is refused in the words of the goal that reads it. */
    static String errorIn(String key, String value) {
        String v = value == null ? "" : value.trim();
        if ((key.equals("habitat.target") || key.equals("habitat.rebuildFrom")) && !v.isEmpty()) {
            try {
                Phase.require(v, key.substring("habitat.".length()));
                return null;
            } catch (IllegalArgumentException e) {
                return e.getMessage();
            }
        }
        String problem = switch (key) {
            case "habitat.buildMethod" -> v.isEmpty() || BuildMethodName.of(v).isPresent() ? null
                    : "not a build method; use one of " + String.join(", ", BuildMethods.NAMES);
            case "habitat.format" -> v.equals("text") || v.equals("json") ? null : "use text or json";
            case "habitat.push" -> v.isEmpty() || v.equals("true") || v.equals("false") ? null : "use true or false";
            case "habitat.image", "habitat.registry" -> refProblem(v, key.equals("habitat.image"));
            case "habitat.platforms" -> platformsProblem(v);
            case "habitat.migrate.mode" -> SnapshotMigration.Mode.of(v).isPresent() ? null
                    : "use " + Spelling.choices(SnapshotMigration.Mode.ids());
            default -> null;
        };
        return problem == null ? null : "-D" + key + "=" + value + ": " + problem;
    }

    private static String platformsProblem(String value) {
        try {
            Platform.parseList(value, "platforms");
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage().substring("platforms: ".length());
        }
    }

    private static String refProblem(String value, boolean tagAllowed) {
        if (value.isEmpty()) {
            return null;
        }
        try {
            ImageReference.parse(value, tagAllowed);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    private Optional<String> nearest(String key) {
        return Spelling.nearest(key, known, 3);
    }
}
