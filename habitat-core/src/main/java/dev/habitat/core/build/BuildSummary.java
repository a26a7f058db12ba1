package dev.habitat.core.build;

import java.time.Duration;
import java.util.List;

/** The outcome of a build: one result per phase considered, and whether the engine was asked anything. */
public record BuildSummary(String habitat, List<PhaseResult> phases, boolean upToDate, Duration total, String finalImage) {
    public BuildSummary {
        phases = List.copyOf(phases);
    }

    /** A fixed-width table: phase, status, seconds. */
    public String table() {
        StringBuilder b = new StringBuilder(String.format("%-12s %-9s %8s%n", "phase", "status", "seconds"));
        for (PhaseResult r : phases) {
            b.append(String.format("%-12s %-9s %8.1f%n", r.phase().tagSuffix(), r.status().label(),
                    r.duration().toMillis() / 1000.0));
        }
        b.append(String.format("%-12s %-9s %8.1f%n", "total", upToDate ? "up-to-date" : "", total.toMillis() / 1000.0));
        return b.toString();
    }
}
