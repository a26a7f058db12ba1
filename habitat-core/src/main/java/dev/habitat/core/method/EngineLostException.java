package dev.habitat.core.method;

import dev.habitat.core.Phase;

/**
 * The connection to the engine broke during a build method's request: which phase was being built and the
 * newest snapshot the method tagged before (null: the one the job started from).
 */
public final class EngineLostException extends RuntimeException {
    private final Phase phase;
    private final String kept;

    public EngineLostException(Phase phase, String kept, RuntimeException cause) {
        super(cause.getMessage(), cause);
        this.phase = phase;
        this.kept = kept;
    }

    public Phase phase() {
        return phase;
    }

    public String kept() {
        return kept;
    }
}
