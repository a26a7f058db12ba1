package dev.habitat.core.build;

import dev.habitat.core.Phase;
import java.time.Duration;

/** How one phase ended in a build. */
public record PhaseResult(Phase phase, Status status, Duration duration, String imageId, String snapshot) {

    public enum Status {
        /** Its steps ran. */
        BUILT,
        /** BuildKit had every step in its cache. */
        CACHED,
        /** A valid snapshot was reused; nothing was sent to the engine for it. */
        SNAPSHOT,
        /** It failed. */
        FAILED;

        public String label() {
            return name().toLowerCase();
        }
    }
}
