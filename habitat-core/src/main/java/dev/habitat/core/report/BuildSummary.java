package dev.habitat.core.report;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** The outcome of a build: one result per phase considered, and whether the engine was asked anything. */
public record BuildSummary(String habitat, List<PhaseResult> phases, boolean upToDate, Duration total, String finalImage) {
    public BuildSummary {
        phases = List.copyOf(phases);
    }

    /** A fixed-width table: phase, status, seconds; below it what a status's label leaves out (verify and test reused). */
    public String table() {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-12s %-9s %8s%n", "phase", "status", "seconds"));
        for (PhaseResult r : phases) {
            b.append(String.format(Locale.ROOT, "%-12s %-9s %8.1f%n", r.phase().tagSuffix(), r.status().label(),
                    r.duration().toMillis() / 1000.0));
        }
        b.append(String.format(Locale.ROOT, "%-12s %-9s %8.1f%n", "total", upToDate ? "up-to-date" : "", total.toMillis() / 1000.0));
        phases.stream().map(PhaseResult::status).filter(s -> !s.note().isEmpty()).distinct().forEach(s -> b.append(s.label())
                .append(phases.stream().filter(r -> r.status() == s).map(r -> r.phase().tagSuffix())
                        .collect(Collectors.joining(", ", " (", "): "))).append(s.note()).append(System.lineSeparator()));
        return b.toString();
    }
}
