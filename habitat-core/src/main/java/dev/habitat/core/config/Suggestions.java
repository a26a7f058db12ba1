package dev.habitat.core.config;

import dev.habitat.core.Spelling;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/** Did-you-mean for unknown keys: renamed keys of the original tool first, then the nearest known key. */
final class Suggestions {
    /** Keys the original tool or its docs used, and what they are now. */
    private static final Map<String, String> RENAMED = Map.ofEntries(
            Map.entry("repositories", "repos"), Map.entry("repository", "repos"), Map.entry("repo", "repos"),
            Map.entry("setup", "scripts"), Map.entry("script", "scripts"), Map.entry("file", "files"),
            Map.entry("volume", "volumes"), Map.entry("test", "tests"), Map.entry("environment", "env"),
            Map.entry("verify_fs", "verify-fs"), Map.entry("verifyFs", "verify-fs"), Map.entry("verify", "verify-fs"),
            Map.entry("base-image", "base_image"), Map.entry("baseImage", "base_image"), Map.entry("from", "base_image"),
            Map.entry("build-method", "build_method"), Map.entry("buildMethod", "build_method"),
            Map.entry("timeouts", "timeout"), Map.entry("runAs", "run_as"), Map.entry("run-as", "run_as"),
            Map.entry("user", "run_as"), Map.entry("command", "commands"), Map.entry("cmd", "commands"),
            Map.entry("source", "src"), Map.entry("destination", "dest"), Map.entry("target", "dest"),
            Map.entry("permissions", "mode"), Map.entry("chmod", "mode"), Map.entry("chown", "owner"),
            Map.entry("requiredFiles", "required_files"), Map.entry("required-files", "required_files"),
            Map.entry("bypass", "bypass_habitat_construction"), Map.entry("build-args", "build_args"),
            Map.entry("buildArgs", "build_args"), Map.entry("per_phase", "per-phase"), Map.entry("perPhase", "per-phase"));

    private Suggestions() {}

    static String forUnknownKey(String key, Collection<String> known) {
        String renamed = RENAMED.get(key);
        if (renamed != null && known.contains(renamed)) {
            return "'" + key + "' was renamed to '" + renamed + "': rename the key";
        }
        Optional<String> near = nearMiss(key, known);
        if (near.isPresent()) {
            return "did you mean '" + near.get() + "'?";
        }
        return "remove it, or use one of: " + String.join(", ", known);
    }

    /** A known key a few edits from {@code key} (a typo, not another word): such a key is an error, not ignored. */
    static Optional<String> nearMiss(String key, Collection<String> known) {
        return Spelling.nearest(key, known, Math.max(1, Math.min(3, key.length() / 3)));
    }
}
