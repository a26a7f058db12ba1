package dev.habitat.core.report;

import dev.habitat.core.Platform;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The outcome of a build: one result per phase considered, and whether the engine was asked anything.
 *
 * @param platform the listed platform it was built for, or null when the habitat lists none (the engine's own)
 */
public record BuildSummary(String habitat, List<PhaseResult> phases, boolean upToDate, Duration total, String finalImage,
                           Platform platform) {
    public BuildSummary {
        phases = List.copyOf(phases);
    }

    /** Of a habitat that lists no platforms (the engine's own). */
    public BuildSummary(String habitat, List<PhaseResult> phases, boolean upToDate, Duration total, String finalImage) {
        this(habitat, phases, upToDate, total, finalImage, null);
    }

    /** The same outcome, of one of the habitat's listed platforms. */
    public BuildSummary forPlatform(Platform p) {
        return new BuildSummary(habitat, phases, upToDate, total, finalImage, p);
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
