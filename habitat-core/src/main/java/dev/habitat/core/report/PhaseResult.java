package dev.habitat.core.report;

import dev.habitat.core.Phase;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * How one phase ended in a build: when it ran ({@code start}/{@code end}, null when it did not run) and
 * the timing of each of its stages (hook stages and side stages included).
 */
public record PhaseResult(Phase phase, Status status, Duration duration, String imageId, String snapshot,
                          Instant start, Instant end, List<StageTiming> stages) {
    public PhaseResult {
        stages = List.copyOf(stages);
    }

    public PhaseResult(Phase phase, Status status, Duration duration, String imageId, String snapshot) {
        this(phase, status, duration, imageId, snapshot, null, null, List.of());
    }

    public enum Status {
        /** Its steps ran. */
        BUILT,
        /** BuildKit had every step in its cache. */
        CACHED,
        /** A valid snapshot was reused; nothing was sent to the engine for it. */
        SNAPSHOT,
        /** Its snapshot was pulled from the registry, its hashes checked; nothing was built. */
        PULLED,
        /**
         * verify or test when {@code 12-final} is reused (local or pulled): they have no snapshot of their own, and
         * a valid final snapshot exists only when both passed as it was built.
         */
        PASSED,
        /**
         * 12-final when its content was current (reused or pulled: its hashes match) but made for another machine: only
         * the machine step ran on it (this machine's docker socket group); no phase was built.
         */
        REGROUPED,
        /** It failed. */
        FAILED;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** What the label alone leaves out, for the statuses that need it; empty otherwise. */
        public String note() {
            return switch (this) {
                case PASSED -> "ran when " + Phase.FINAL.tagSuffix() + " was built; no snapshot of its own";
                case REGROUPED -> "content current (reused or pulled); only the machine step ran: this machine's docker socket group";
                default -> "";
            };
        }
    }
}
