package dev.habitat.core.builder;

import dev.habitat.core.Phase;

/**
 * The connection to the engine broke during a build method's request: which phase was being built and the
 * newest snapshot the method tagged before (null: the one the job started from).
 */
final class EngineLostException extends RuntimeException {
    private final Phase phase;
    private final String kept;

    EngineLostException(Phase phase, String kept, RuntimeException cause) {
        super(cause.getMessage(), cause);
        this.phase = phase;
        this.kept = kept;
    }

    Phase phase() {
        return phase;
    }

    String kept() {
        return kept;
    }
}
