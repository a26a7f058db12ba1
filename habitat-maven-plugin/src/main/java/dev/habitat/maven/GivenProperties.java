package dev.habitat.maven;

import dev.habitat.core.Phase;
import dev.habitat.core.Spelling;
import dev.habitat.core.build.BuildMethods;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
            if (!key.startsWith("habitat.")) {
                continue;
            }
            if (!known.contains(key)) {
                warnings.add("-D" + key + " is not a habitat property, ignored" + nearest(key).map(n -> " (did you mean -D" + n + "?)").orElse(""));
                continue;
            }
            String problem = problemWith(key, e.getValue());
            if (problem != null && (key.equals("habitat.target") || key.equals("habitat.rebuildFrom"))) {
                // the goal that reads it says it the same way
                errors.add(requirePhaseMessage(key, e.getValue()));
            } else if (problem != null) {
                errors.add("-D" + key + "=" + e.getValue() + ": " + problem);
            } else if (!readByGoal.contains(key)) {
                warnings.add("-D" + key + " is not used by habitat:" + goal + ", ignored");
            }
        }
        return new Findings(errors, warnings);
    }

    /** What is wrong with a value, or null. */
    static String problemWith(String key, String value) {
        String v = value == null ? "" : value.trim();
        return switch (key) {
            case "habitat.target", "habitat.rebuildFrom" -> v.isEmpty() || Phase.parse(v).isPresent() ? null
                    : "not a phase." + Phase.didYouMean(v).map(n -> " Did you mean '" + n + "'?").orElse("")
                    + " Valid phases: " + Phase.validList();
            case "habitat.buildMethod" -> v.isEmpty() || BuildMethods.NAMES.contains(v) ? null
                    : "not a build method; use one of " + String.join(", ", BuildMethods.NAMES);
            case "habitat.format" -> v.equals("text") || v.equals("json") ? null : "use text or json";
            case "habitat.migrate.mode" -> Set.of("report", "adopt", "rebuild", "remove").contains(v) ? null
                    : "use report, adopt, rebuild or remove";
            default -> null;
        };
    }

    private static String requirePhaseMessage(String key, String value) {
        try {
            Phase.require(value, key.substring("habitat.".length()));
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    private java.util.Optional<String> nearest(String key) {
        return Spelling.nearest(key, known, 3);
    }
}
