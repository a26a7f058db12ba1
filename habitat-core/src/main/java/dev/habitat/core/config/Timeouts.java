package dev.habitat.core.config;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code timeout} section: {@code per-phase} (a default) and overrides by phase name. A script step
 * of a phase with a timeout is stopped when it runs longer; without the section nothing is limited (the
 * original's 2-minute default applied only to its git calls, and build steps such as package installs
 * legitimately take longer).
 *
 * @param perPhase the default, or null for none
 */
public record Timeouts(Duration perPhase, Map<String, Duration> byPhase) {
    public Timeouts {
        byPhase = Map.copyOf(byPhase);
    }

    public static Timeouts none() {
        return new Timeouts(null, Map.of());
    }

    public Optional<Duration> forPhase(String phase) {
        return Optional.ofNullable(byPhase.getOrDefault(phase, perPhase));
    }
}
