package dev.habitat.core.config;

import java.time.Duration;
import java.util.Map;

/** The {@code timeout} section: a default per phase and overrides by phase name. */
public record Timeouts(Duration perPhase, Map<String, Duration> byPhase) {
    public static final Duration DEFAULT = Duration.ofMinutes(2);

    public Timeouts {
        byPhase = Map.copyOf(byPhase);
    }

    public Duration forPhase(String phase) {
        return byPhase.getOrDefault(phase, perPhase);
    }
}
