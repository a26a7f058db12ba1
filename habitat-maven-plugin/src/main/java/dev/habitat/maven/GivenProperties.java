package dev.habitat.maven;

import dev.habitat.core.Phase;
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
            if (problem != null) {
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
                    : "not a phase." + Phase.didYouMean(v).map(n -> " Did you mean '" + n + "'?").orElse("") + " Valid phases: " + Phase.validList();
            case "habitat.buildMethod" -> v.isEmpty() || BuildMethods.NAMES.contains(v) ? null
                    : "not a build method; use one of " + String.join(", ", BuildMethods.NAMES);
            case "habitat.format" -> v.equals("text") || v.equals("json") ? null : "use text or json";
            case "habitat.migrate.mode" -> Set.of("report", "adopt", "rebuild", "remove").contains(v) ? null
                    : "use report, adopt, rebuild or remove";
            default -> null;
        };
    }

    private java.util.Optional<String> nearest(String key) {
        String best = null;
        int bestDistance = 4;
        for (String k : known) {
            int d = distance(key.toLowerCase(java.util.Locale.ROOT), k.toLowerCase(java.util.Locale.ROOT));
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        return java.util.Optional.ofNullable(best);
    }

    private static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            for (int j = 0; j <= b.length(); j++) {
                d[i][j] = i == 0 ? j : j == 0 ? i : Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1),
                        d[i - 1][j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
            }
        }
        return d[a.length()][b.length()];
    }
}
